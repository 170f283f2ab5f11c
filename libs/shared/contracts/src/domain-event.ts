/** Event types of the public contract (webhook payloads and the internal bus). */
export const EVENT_TYPES = [
  'supplier.created',
  'supplier.updated',
  'supplier.offboarded',
  'assessment.created',
  'assessment.sent',
  'assessment.submitted',
  'assessment.returned',
  'assessment.completed',
  'assessment.overdue',
  'reassessment.due',
  'evidence.processed',
  'evidence.failed',
  'evidence.expiring',
  'evidence.expired',
  'finding.created',
  'finding.updated',
  'reminder.sent',
  'product.end_of_support_notice',
  'assessment.cancelled',
  'assessment.due_date_changed',
  'assessment.extension_requested',
  'assessment.extension_decided',
  'assessment.sign_off_requested',
  'product.created',
  'product.updated',
  'product.removed',
  'finding.overdue',
  'finding.risk_acceptance_expired',
  'advisory.matched',
  'evidence.renewed',
  'inquiry.sent',
  'inquiry.answered',
  'inquiry.overdue',
] as const;

export type PublicEventType = (typeof EVENT_TYPES)[number];

/** Events that travel only on the internal bus (never to webhooks): they feed other services' projections. */
export const INTERNAL_EVENT_TYPES = [
  'tenant.created',
  'tenant.updated',
  'member.joined',
  'member.updated',
  'member.removed',
  'invitation.created',
  'evidence.renewal_requested',
  'evidence.validity_changed',
  'inquiry.links_issued',
  'evidence.end_of_life_stated',
  'evidence.declaration_stated',
] as const;
export type InternalEventType = (typeof INTERNAL_EVENT_TYPES)[number];

export type EventType = PublicEventType | InternalEventType;

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value) || (INTERNAL_EVENT_TYPES as readonly string[]).includes(value);
}

/** Whether an event may leave Assay (webhooks, the public event list). */
export function isPublicEventType(value: string): value is PublicEventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The envelope every event of one type travels in: `{ id, type, timestamp, tenantId, data }`. */
export interface EventEnvelope<TType extends EventType, TData> {
  id: string;
  type: TType;
  timestamp: string;
  tenantId: string;
  data: TData;
}
