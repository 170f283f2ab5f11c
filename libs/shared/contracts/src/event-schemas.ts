import { EVENT_TYPES, INTERNAL_EVENT_TYPES, type EventType } from './domain-event';
import { ASSESSMENT_OPENERS, INQUIRY_ANSWER_STATUSES, OPENVEX_JUSTIFICATIONS } from './event-data';
import { ROLES } from './identity';

/*
 * One JSON Schema per event type: what the bus checks on publish and on consume. A schema allows
 * members it does not name, so a producer one release ahead never has its events refused by an older
 * consumer; the members it names are checked strictly (types, formats, lengths).
 */

type Schema = Record<string, unknown>;

const uuid = { type: 'string', format: 'uuid' } as const;
const nullable = (schema: Schema): Schema => ({ anyOf: [schema, { type: 'null' }] });
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const optionalText = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;
const instant = { type: 'string', format: 'date-time' } as const;
const email = { type: 'string', format: 'email', maxLength: 320 } as const;
const link = { type: 'string', format: 'uri', pattern: '^https?://', maxLength: 2048 } as const;
/** A link carrying a credential: sealed by the service that minted it (a plain link is sealed on arrival). */
const credentialLink = {
  anyOf: [link, { type: 'string', pattern: '^sealed:v1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$', maxLength: 4096 }],
} as const;
const days = { type: 'integer', minimum: 0, maximum: 3650 } as const;
const status = { type: 'string', pattern: '^[a-z_]{1,40}$' } as const;
const object = (required: string[], properties: Record<string, unknown>): Schema => ({ type: 'object', required, properties });

const recipient = object(['contactId', 'name', 'email', 'isSeniorResponsibleOwner'], {
  contactId: uuid,
  name: text(300),
  email,
  isSeniorResponsibleOwner: { type: 'boolean' },
  portalUrl: credentialLink,
});

const tenant = object(['tenantId', 'name', 'settings'], {
  tenantId: uuid,
  name: text(300),
  settings: {
    type: 'object',
    properties: {
      evidenceExpiryNoticeDays: days,
      reminderPolicy: {
        type: 'object',
        properties: {
          beforeDueDays: { type: 'array', items: { type: 'integer', minimum: 1, maximum: 365 }, maxItems: 10 },
          onDueDay: { type: 'boolean' },
          overdueEveryDays: { type: 'integer', minimum: 1, maximum: 365 },
          overdueMaxReminders: { type: 'integer', minimum: 0, maximum: 52 },
          escalateToSroAfterDays: days,
          escalateToOwnerAfterDays: days,
        },
      },
    },
  },
});

const member = object(['userId', 'email', 'name', 'role'], { userId: uuid, email, name: text(300), role: { type: 'string', enum: [...ROLES] } });

const memberRemoved = object(['userId'], { userId: uuid });

const invitation = object(['invitationId', 'email', 'role', 'tenantName', 'invitedByName', 'acceptUrl', 'expiresAt'], {
  invitationId: uuid,
  email,
  role: { type: 'string', enum: [...ROLES] },
  tenantName: text(300),
  invitedByName: text(300),
  acceptUrl: credentialLink,
  expiresAt: instant,
});

const supplier = object(['supplierId', 'name', 'tier', 'role', 'status'], {
  supplierId: uuid,
  name: text(300),
  tier: status,
  role: status,
  status: { type: 'string', enum: ['active', 'offboarded'] },
  website: optionalText(2048),
  domains: { type: 'array', items: text(253), maxItems: 100 },
  ownerUserId: nullable(uuid),
});

const assessment = object(['assessmentId', 'supplierId', 'supplierName', 'status', 'dueAt'], {
  assessmentId: uuid,
  supplierId: uuid,
  supplierName: text(300),
  productId: nullable(uuid),
  productName: optionalText(300),
  status,
  dueAt: instant,
  framework: text(100),
  recipients: { type: 'array', items: recipient, maxItems: 50 },
  seniorResponsibleOwner: nullable(recipient),
  internalOwnerUserId: nullable(uuid),
  message: optionalText(5000),
  score: { type: ['number', 'null'] },
  openedBy: { type: 'string', enum: [...ASSESSMENT_OPENERS] },
  reason: { type: 'string', enum: [...ASSESSMENT_OPENERS] },
});

const withAssessment = (required: string[], properties: Record<string, unknown>): Schema => ({
  ...assessment,
  required: [...(assessment['required'] as string[]), ...required],
  properties: { ...(assessment['properties'] as Record<string, unknown>), ...properties },
});

const dueDateChanged = withAssessment(['previousDueAt', 'reason'], { previousDueAt: instant, reason: optionalText(2000) });

const extensionRequest = withAssessment(['requestId', 'requestedDueAt', 'reason', 'requestStatus'], {
  requestId: uuid,
  requestedDueAt: instant,
  reason: text(2000),
  requestStatus: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
  comment: optionalText(2000),
});

const signOffRequest = withAssessment(['recipients', 'requestedBy'], {
  requestedBy: object(['contactId', 'name'], { contactId: uuid, name: text(300) }),
});

const checkResult = object(['key', 'claimIds', 'result', 'detail'], {
  key: text(200),
  claimIds: { type: 'array', items: text(20), maxItems: 100 },
  result: { type: 'string', enum: ['pass', 'fail', 'warn', 'not_applicable', 'error'] },
  detail: { type: 'string', maxLength: 5000 },
});

const evidenceProcessed = object(['evidenceId', 'supplierId', 'claimIds', 'kind', 'status', 'sha256', 'checks'], {
  evidenceId: uuid,
  supplierId: uuid,
  productId: nullable(uuid),
  assessmentId: nullable(uuid),
  claimIds: { type: 'array', items: text(20), maxItems: 100 },
  kind: status,
  status: { type: 'string', enum: ['processed', 'failed', 'rejected'] },
  // Empty when URL evidence failed before any content was fetched.
  sha256: { type: 'string', pattern: '^([0-9a-f]{64})?$' },
  validUntil: nullable(instant),
  checks: { type: 'array', items: checkResult, maxItems: 500 },
  error: optionalText(5000),
});

const evidenceExpiry = object(['evidenceId', 'supplierId', 'kind', 'validUntil'], {
  evidenceId: uuid,
  supplierId: uuid,
  supplierName: text(300),
  kind: status,
  validUntil: instant,
  internalOwnerUserId: nullable(uuid),
  title: optionalText(300),
});

const evidenceRenewalRequest = {
  ...evidenceExpiry,
  required: [...(evidenceExpiry['required'] as string[]), 'recipients'],
  properties: { ...(evidenceExpiry['properties'] as Schema), recipients: { type: 'array', items: recipient, minItems: 1, maxItems: 50 } },
};

const evidenceRenewed = object(['evidenceId', 'supersedes', 'supplierId', 'kind', 'contactId'], {
  evidenceId: uuid,
  supersedes: uuid,
  supplierId: uuid,
  kind: nullable(status),
  title: optionalText(300),
  contactId: uuid,
});

const evidenceValidityChanged = object(['evidenceId', 'supplierId', 'validUntil'], { evidenceId: uuid, supplierId: uuid, validUntil: nullable(instant) });

const finding = object(['findingId', 'assessmentId', 'supplierId', 'claimId', 'severity', 'title', 'status'], {
  findingId: uuid,
  assessmentId: uuid,
  supplierId: uuid,
  supplierName: text(300),
  claimId: text(20),
  severity: status,
  title: text(500),
  status,
  remediationDueAt: nullable(instant),
  riskAcceptedUntil: nullable(instant),
  recipients: { type: 'array', items: recipient, maxItems: 50 },
});

const reminderSent = object(['reminderId', 'assessmentId', 'step', 'kind', 'recipients'], {
  reminderId: uuid,
  assessmentId: uuid,
  step: text(100),
  kind: { type: 'string', enum: ['reminder', 'escalation_sro', 'escalation_owner'] },
  recipients: { type: 'array', items: text(320), maxItems: 100 },
});

const product = object(['id', 'supplierId', 'name', 'deliveryModel', 'currentVersion', 'endOfSupportAt', 'endOfSupportAnnouncedAt', 'createdAt', 'updatedAt'], {
  id: uuid,
  supplierId: uuid,
  name: text(300),
  deliveryModel: status,
  currentVersion: optionalText(100),
  endOfSupportAt: nullable(instant),
  endOfSupportAnnouncedAt: nullable(instant),
  createdAt: instant,
  updatedAt: instant,
});

const endOfSupportNotice = object(['supplierId', 'productId', 'endOfSupportAt', 'endOfSupportAnnouncedAt', 'noticeDays', 'shortNotice', 'withinHorizon'], {
  supplierId: uuid,
  productId: uuid,
  endOfSupportAt: instant,
  endOfSupportAnnouncedAt: nullable(instant),
  noticeDays: { type: 'integer', minimum: -36600, maximum: 36600 },
  shortNotice: { type: 'boolean' },
  withinHorizon: { type: 'boolean' },
});

const endOfLifeStated = object(['evidenceId', 'supplierId', 'productId', 'format', 'endOfSupportAt', 'endOfLifeAt', 'statedAt'], {
  evidenceId: uuid,
  supplierId: uuid,
  productId: uuid,
  format: { type: 'string', enum: ['openeox', 'cyclonedx'] },
  endOfSupportAt: instant,
  endOfLifeAt: nullable(instant),
  statedAt: nullable(instant),
});

const declarationStated = object(['evidenceId', 'supplierId', 'productId', 'assessmentId', 'claims'], {
  evidenceId: uuid,
  supplierId: uuid,
  productId: nullable(uuid),
  assessmentId: nullable(uuid),
  claims: {
    type: 'array',
    maxItems: 500,
    items: object(['framework', 'frameworkVersion', 'claimId', 'conformance', 'rationale'], {
      framework: text(64),
      frameworkVersion: text(32),
      claimId: { type: 'string', pattern: '^[0-9]+(\\.[0-9]+){2}$', maxLength: 32 },
      conformance: { type: ['number', 'null'], minimum: 0, maximum: 1 },
      rationale: optionalText(2000),
    }),
  },
});

const advisoryMatched = object(['advisoryId', 'supplierIds'], {
  advisoryId: uuid,
  supplierIds: { type: 'array', items: uuid, minItems: 1, maxItems: 10_000 },
});

const inquiry = object(['inquiryId', 'advisoryId', 'supplierId', 'supplierName', 'externalIds', 'summary', 'dueAt', 'status'], {
  inquiryId: uuid,
  advisoryId: uuid,
  supplierId: uuid,
  supplierName: text(300),
  externalIds: { type: 'array', items: text(200), maxItems: 100 },
  summary: optionalText(5000),
  dueAt: instant,
  status: { type: 'string', enum: ['sent', 'overdue', 'answered'] },
  internalOwnerUserId: nullable(uuid),
});

const inquiryAnswered = {
  ...inquiry,
  required: [...(inquiry['required'] as string[]), 'answer', 'contactId'],
  properties: {
    ...(inquiry['properties'] as Schema),
    answer: object(['status'], {
      status: { type: 'string', enum: [...INQUIRY_ANSWER_STATUSES] },
      justification: { type: 'string', enum: [...OPENVEX_JUSTIFICATIONS] },
      impactStatement: text(5000),
      fixedIn: text(200),
      actionStatement: text(5000),
    }),
    contactId: nullable(uuid),
  },
};

const inquiryLinksIssued = {
  ...inquiry,
  required: [...(inquiry['required'] as string[]), 'recipients'],
  properties: { ...(inquiry['properties'] as Schema), recipients: { type: 'array', items: recipient, minItems: 1, maxItems: 50 } },
};

/** The payload schema of every event type (public and internal). */
export const EVENT_PAYLOAD_SCHEMAS: Readonly<Record<EventType, Schema>> = {
  'supplier.created': supplier,
  'supplier.updated': supplier,
  'supplier.offboarded': supplier,
  'assessment.created': assessment,
  'assessment.sent': assessment,
  'assessment.submitted': assessment,
  'assessment.returned': assessment,
  'assessment.completed': assessment,
  'assessment.overdue': assessment,
  'assessment.cancelled': assessment,
  'reassessment.due': assessment,
  'evidence.processed': evidenceProcessed,
  'evidence.failed': evidenceProcessed,
  'evidence.expiring': evidenceExpiry,
  'evidence.expired': evidenceExpiry,
  'evidence.renewal_requested': evidenceRenewalRequest,
  'evidence.end_of_life_stated': endOfLifeStated,
  'evidence.declaration_stated': declarationStated,
  'evidence.renewed': evidenceRenewed,
  'evidence.validity_changed': evidenceValidityChanged,
  'finding.created': finding,
  'finding.updated': finding,
  'finding.overdue': finding,
  'finding.risk_acceptance_expired': finding,
  'reminder.sent': reminderSent,
  'product.end_of_support_notice': endOfSupportNotice,
  'product.created': product,
  'product.updated': product,
  'product.removed': product,
  'tenant.created': tenant,
  'tenant.updated': tenant,
  'member.joined': member,
  'member.updated': member,
  'member.removed': memberRemoved,
  'invitation.created': invitation,
  'assessment.due_date_changed': dueDateChanged,
  'assessment.extension_requested': extensionRequest,
  'assessment.extension_decided': extensionRequest,
  'assessment.sign_off_requested': signOffRequest,
  'advisory.matched': advisoryMatched,
  'inquiry.sent': inquiry,
  'inquiry.answered': inquiryAnswered,
  'inquiry.overdue': inquiry,
  'inquiry.links_issued': inquiryLinksIssued,
};

/** The envelope schema: `{ id, type, timestamp, tenantId, data }` with a known type. */
export const EVENT_ENVELOPE_SCHEMA: Schema = object(['id', 'type', 'timestamp', 'tenantId', 'data'], {
  id: uuid,
  type: { type: 'string', enum: [...EVENT_TYPES, ...INTERNAL_EVENT_TYPES] },
  timestamp: instant,
  tenantId: uuid,
  data: { type: 'object' },
});
