import type { EventEnvelope, EventType } from './domain-event';
import type {
  AssessmentEventData,
  EvidenceExpiryEventData,
  EvidenceValidityChangedEventData,
  EvidenceProcessedEventData,
  FindingEventData,
  InvitationEventData,
  MemberEventData,
  MemberRemovedEventData,
  ReminderSentEventData,
  SupplierEventData,
  TenantEventData,
  DeclarationStatedEventData,
  EndOfLifeStatedEventData,
  EndOfSupportNoticeEventData,
  AssessmentDueDateChangedEventData,
  ExtensionRequestEventData,
  ProductEventData,
  SignOffRequestEventData,
  AdvisoryMatchedEventData,
  EvidenceRenewalRequestEventData,
  EvidenceRenewedEventData,
  InquiryEventData,
  InquiryAnsweredEventData,
  InquiryLinksIssuedEventData,
} from './event-data';

/** The payload (`data`) of every event type: one type per event, checked by the schema of the same name. */
export interface EventPayloads {
  'supplier.created': SupplierEventData;
  'supplier.updated': SupplierEventData;
  'supplier.offboarded': SupplierEventData;
  'assessment.created': AssessmentEventData;
  'assessment.sent': AssessmentEventData;
  'assessment.submitted': AssessmentEventData;
  'assessment.returned': AssessmentEventData;
  'assessment.completed': AssessmentEventData;
  'assessment.overdue': AssessmentEventData;
  'assessment.cancelled': AssessmentEventData;
  'reassessment.due': AssessmentEventData;
  'evidence.processed': EvidenceProcessedEventData;
  'evidence.failed': EvidenceProcessedEventData;
  'evidence.expiring': EvidenceExpiryEventData;
  'evidence.expired': EvidenceExpiryEventData;
  'finding.created': FindingEventData;
  'finding.updated': FindingEventData;
  'finding.overdue': FindingEventData;
  'finding.risk_acceptance_expired': FindingEventData;
  'reminder.sent': ReminderSentEventData;
  'product.end_of_support_notice': EndOfSupportNoticeEventData;
  'product.created': ProductEventData;
  'product.updated': ProductEventData;
  'product.removed': ProductEventData;
  'tenant.created': TenantEventData;
  'tenant.updated': TenantEventData;
  'member.joined': MemberEventData;
  'member.updated': MemberEventData;
  'member.removed': MemberRemovedEventData;
  'invitation.created': InvitationEventData;
  'assessment.due_date_changed': AssessmentDueDateChangedEventData;
  'assessment.extension_requested': ExtensionRequestEventData;
  'assessment.extension_decided': ExtensionRequestEventData;
  'assessment.sign_off_requested': SignOffRequestEventData;
  'advisory.matched': AdvisoryMatchedEventData;
  'evidence.renewal_requested': EvidenceRenewalRequestEventData;
  'evidence.end_of_life_stated': EndOfLifeStatedEventData;
  'evidence.declaration_stated': DeclarationStatedEventData;
  'evidence.renewed': EvidenceRenewedEventData;
  'evidence.validity_changed': EvidenceValidityChangedEventData;
  'inquiry.sent': InquiryEventData;
  'inquiry.answered': InquiryAnsweredEventData;
  'inquiry.overdue': InquiryEventData;
  'inquiry.links_issued': InquiryLinksIssuedEventData;
}

/** The payload of one event type. */
export type EventData<TType extends EventType> = EventPayloads[TType];

/**
 * An event as it travels (outbox, bus, webhooks). For a union of types it is a union of envelopes,
 * so checking `event.type` narrows `event.data`.
 */
export type DomainEvent<TType extends EventType = EventType> = { [K in TType]: EventEnvelope<K, EventPayloads[K]> }[TType];
