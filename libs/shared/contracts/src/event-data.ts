import type { Role } from './identity';
import type { TenantSettings } from './tenant-settings';

/*
 * Payloads (`data`) of the events services exchange. Public events are also webhook payloads;
 * internal events (tenant and membership changes, invitations) travel only on the internal bus, so
 * that other services can keep the projections they need (tenant name, policy, who to notify)
 * without reading another service's schema.
 */

/** `tenant.created`, `tenant.updated` (internal). */
export interface TenantEventData {
  tenantId: string;
  name: string;
  settings: TenantSettings;
}

/** `member.joined`, `member.updated` (internal): a user's membership of the event's tenant. */
export interface MemberEventData {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

/** `member.removed` (internal). */
export interface MemberRemovedEventData {
  userId: string;
}

/** `invitation.created` (internal): the invitation email, whose link carries the single-use token. */
export interface InvitationEventData {
  invitationId: string;
  email: string;
  role: Role;
  tenantName: string;
  invitedByName: string;
  acceptUrl: string;
  expiresAt: string;
}

/** A supplier contact an assessment message goes to. `portalUrl` is present where a link was minted for them. */
export interface AssessmentRecipient {
  contactId: string;
  name: string;
  email: string;
  isSeniorResponsibleOwner: boolean;
  portalUrl?: string;
}

/** Who opened an assessment: a user, the reassessment schedule, or a reassessment trigger. */
export const ASSESSMENT_OPENERS = [
  'user',
  'schedule',
  'trigger:evidence_expired',
  'trigger:evidence_failed',
  'trigger:end_of_support',
  'trigger:finding_overdue',
] as const;
export type AssessmentOpenedBy = (typeof ASSESSMENT_OPENERS)[number];

/**
 * `assessment.sent`, `assessment.submitted`, `assessment.returned`, `assessment.completed`,
 * `assessment.cancelled`, `assessment.overdue`: enough for reminders and emails without a call back.
 */
export interface AssessmentEventData {
  assessmentId: string;
  supplierId: string;
  supplierName: string;
  productId?: string | null;
  productName?: string | null;
  status: string;
  dueAt: string;
  framework?: string;
  /** The supplier contacts the assessment was sent to (with their links on `assessment.sent`). */
  recipients?: AssessmentRecipient[];
  /** The supplier's Senior Responsible Owner, for escalation. */
  seniorResponsibleOwner?: AssessmentRecipient | null;
  /** The customer's internal owner of the supplier (a user id), for escalation. */
  internalOwnerUserId?: string | null;
  /** `assessment.returned`: the reviewer's message; `assessment.completed`: the conclusion. */
  message?: string | null;
  score?: number | null;
  /** Who opened the assessment. */
  openedBy?: AssessmentOpenedBy;
  /** `reassessment.due`: why the cycle opened (the assessment's `openedBy`). */
  reason?: AssessmentOpenedBy;
}

/** `assessment.due_date_changed`: the assessment (with its new `dueAt`) and the date it replaced. */
export interface AssessmentDueDateChangedEventData extends Omit<AssessmentEventData, 'reason'> {
  previousDueAt: string;
  reason: string | null;
}

/** `assessment.extension_requested`, `assessment.extension_decided`: the assessment and the supplier's request. */
export interface ExtensionRequestEventData extends Omit<AssessmentEventData, 'reason'> {
  requestId: string;
  requestedDueAt: string;
  reason: string;
  /** `pending`, `approved` or `rejected`. */
  requestStatus: string;
  comment?: string | null;
}

/**
 * `assessment.sign_off_requested`: a supplier contact who may not attest asked the Senior Responsible
 * Owner to review and sign; `recipients` is the SRO with a new portal link.
 */
export interface SignOffRequestEventData extends AssessmentEventData {
  requestedBy: { contactId: string; name: string };
}

/** `evidence.expiring`, `evidence.expired`. */
export interface EvidenceExpiryEventData {
  evidenceId: string;
  supplierId: string;
  supplierName?: string;
  kind: string;
  validUntil: string;
  internalOwnerUserId?: string | null;
  /** The title its submitter gave it, if any. */
  title?: string | null;
}

/**
 * `evidence.renewal_requested` (internal): expiring supplier evidence, with the supplier's contacts
 * who receive a renewal link (`portalUrl`, sealed) to upload its replacement.
 */
export interface EvidenceRenewalRequestEventData extends EvidenceExpiryEventData {
  recipients: AssessmentRecipient[];
}

/**
 * `evidence.validity_changed` (internal): a customer's change (`PATCH`) moved the evidence's effective
 * `validUntil`; what other services derived from the old date follows the new one.
 */
export interface EvidenceValidityChangedEventData {
  evidenceId: string;
  supplierId: string;
  validUntil: string | null;
}

/** `evidence.renewed`: the supplier uploaded `evidenceId` to replace `supersedes` through a renewal link. */
export interface EvidenceRenewedEventData {
  evidenceId: string;
  supersedes: string;
  supplierId: string;
  kind: string | null;
  title?: string | null;
  /** The contact whose renewal link uploaded it. */
  contactId: string;
}

/** `finding.created`, `finding.updated`. */
export interface FindingEventData {
  findingId: string;
  assessmentId: string;
  supplierId: string;
  supplierName?: string;
  claimId: string;
  severity: string;
  title: string;
  status: string;
  remediationDueAt?: string | null;
  /** Until when an accepted risk stands; `finding.risk_acceptance_expired` carries the date that passed. */
  riskAcceptedUntil?: string | null;
  recipients?: AssessmentRecipient[];
}

/** `reminder.sent`. */
export interface ReminderSentEventData {
  reminderId: string;
  assessmentId: string;
  step: string;
  kind: 'reminder' | 'escalation_sro' | 'escalation_owner';
  recipients: string[];
}

/** `supplier.created`, `supplier.updated`, `supplier.offboarded`: the supplier as it now is. */
export interface SupplierEventData {
  supplierId: string;
  name: string;
  tier: string;
  role: string;
  status: 'active' | 'offboarded';
  website?: string | null;
  domains?: string[];
  ownerUserId?: string | null;
}

/** `evidence.processed`, `evidence.failed`: what ingestion found, for the assessments service and webhooks. */
export interface EvidenceProcessedEventData {
  evidenceId: string;
  supplierId: string;
  productId?: string | null;
  assessmentId?: string | null;
  claimIds: string[];
  kind: string;
  status: 'processed' | 'failed' | 'rejected';
  /** Empty when URL evidence failed before any content was fetched. */
  sha256: string;
  validUntil?: string | null;
  checks: { key: string; claimIds: string[]; result: 'pass' | 'fail' | 'warn' | 'not_applicable' | 'error'; detail: string }[];
  error?: string | null;
}

/** `product.created`, `product.updated`, `product.removed`: the product as the API shows it. */
export interface ProductEventData {
  id: string;
  supplierId: string;
  name: string;
  deliveryModel: string;
  currentVersion: string | null;
  endOfSupportAt: string | null;
  endOfSupportAnnouncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * `product.end_of_support_notice`: a product's end of support was set or changed and either the notice
 * given is shorter than 365 days (Code principle 4.2) or the date falls within the tenant's horizon.
 */
export interface EndOfSupportNoticeEventData {
  supplierId: string;
  productId: string;
  endOfSupportAt: string;
  endOfSupportAnnouncedAt: string | null;
  /** Days from the announcement (or, without one, from when Assay learnt of it) to the end of support. */
  noticeDays: number;
  shortNotice: boolean;
  withinHorizon: boolean;
}

/**
 * `evidence.end_of_life_stated` (internal): processed `end_of_life` evidence attached to a product
 * states a dated end of security support. The assessments service sets the product's end of support
 * from it (once per evidence).
 */
export interface EndOfLifeStatedEventData {
  evidenceId: string;
  supplierId: string;
  productId: string;
  /** `openeox` or `cyclonedx`. */
  format: string;
  endOfSupportAt: string;
  endOfLifeAt: string | null;
  /** When the statement was made (OpenEoX `last_updated`), the announcement of the end of support. */
  statedAt: string | null;
}

/**
 * `evidence.declaration_stated` (internal): a processed supplier declaration (CycloneDX Attestations)
 * attests requirements of a framework Assay publishes. The assessments service prefills the open
 * assessments' unanswered claims from it (`importedFrom`), until the supplier confirms them.
 */
export interface DeclarationStatedEventData {
  evidenceId: string;
  supplierId: string;
  productId: string | null;
  assessmentId: string | null;
  claims: {
    framework: string;
    frameworkVersion: string;
    claimId: string;
    /** The attestation's conformance score (0–1), null when it gives none. */
    conformance: number | null;
    rationale: string | null;
  }[];
}

/** `advisory.matched`: an advisory now names a component of suppliers it did not before (once per new set of suppliers). */
export interface AdvisoryMatchedEventData {
  advisoryId: string;
  /** The suppliers newly exposed. */
  supplierIds: string[];
}

/** The OpenVEX statuses an inquiry is answered with (the exposure statuses). */
export const INQUIRY_ANSWER_STATUSES = ['not_affected', 'affected', 'fixed', 'under_investigation'] as const;
export type InquiryAnswerStatus = (typeof INQUIRY_ANSWER_STATUSES)[number];

/** The OpenVEX justifications of a `not_affected` answer. */
export const OPENVEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
] as const;
export type OpenVexJustification = (typeof OPENVEX_JUSTIFICATIONS)[number];

/** A supplier's answer to an inquiry, in OpenVEX terms. */
export interface InquiryAnswer {
  status: InquiryAnswerStatus;
  justification?: OpenVexJustification;
  impactStatement?: string;
  fixedIn?: string;
  actionStatement?: string;
}

/** `inquiry.sent`, `inquiry.overdue`: an inquiry to one supplier about one advisory. */
export interface InquiryEventData {
  inquiryId: string;
  advisoryId: string;
  supplierId: string;
  supplierName: string;
  /** The advisory's ids (`GHSA-…`, `CVE-…`). */
  externalIds: string[];
  summary: string | null;
  dueAt: string;
  /** `sent`, `overdue`, `answered`. */
  status: string;
  internalOwnerUserId?: string | null;
}

/** `inquiry.answered`: the supplier answered (through the inquiry link); `answer` is what they said. */
export interface InquiryAnsweredEventData extends InquiryEventData {
  answer: InquiryAnswer;
  contactId: string | null;
}

/**
 * `inquiry.links_issued` (internal): the supplier's contacts who receive an inquiry link (`portalUrl`,
 * sealed) for an inquiry just sent.
 */
export interface InquiryLinksIssuedEventData extends InquiryEventData {
  recipients: AssessmentRecipient[];
}
