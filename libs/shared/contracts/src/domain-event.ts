/**
 * Every event type and how far it travels: a `public` one is part of the public contract (webhook
 * payloads and the internal bus); an `internal` one travels only on the internal bus (never to
 * webhooks): it feeds other services' projections.
 */
const EVENT_REACH = {
  'supplier.created': 'public',
  'supplier.updated': 'public',
  'supplier.offboarded': 'public',
  'assessment.created': 'public',
  'assessment.sent': 'public',
  'assessment.submitted': 'public',
  'assessment.returned': 'public',
  'assessment.completed': 'public',
  'assessment.overdue': 'public',
  'reassessment.due': 'public',
  'evidence.processed': 'public',
  'evidence.failed': 'public',
  'evidence.expiring': 'public',
  'evidence.expired': 'public',
  'finding.created': 'public',
  'finding.updated': 'public',
  'reminder.sent': 'public',
  'product.end_of_support_notice': 'public',
  'assessment.cancelled': 'public',
  'assessment.due_date_changed': 'public',
  'assessment.extension_requested': 'public',
  'assessment.extension_decided': 'public',
  'assessment.sign_off_requested': 'public',
  'product.created': 'public',
  'product.updated': 'public',
  'product.removed': 'public',
  'finding.overdue': 'public',
  'finding.risk_acceptance_expired': 'public',
  'advisory.matched': 'public',
  'evidence.renewed': 'public',
  'inquiry.sent': 'public',
  'inquiry.answered': 'public',
  'inquiry.overdue': 'public',
  'tenant.created': 'internal',
  'tenant.updated': 'internal',
  'member.joined': 'internal',
  'member.updated': 'internal',
  'member.removed': 'internal',
  'invitation.created': 'internal',
  'evidence.renewal_requested': 'internal',
  'evidence.validity_changed': 'internal',
  'inquiry.links_issued': 'internal',
  'evidence.end_of_life_stated': 'internal',
  'evidence.declaration_stated': 'internal',
} as const satisfies Record<string, 'public' | 'internal'>;

export type EventType = keyof typeof EVENT_REACH;
export type PublicEventType = { [T in EventType]: (typeof EVENT_REACH)[T] extends 'public' ? T : never }[EventType];
export type InternalEventType = Exclude<EventType, PublicEventType>;

const ALL_EVENT_TYPES = Object.keys(EVENT_REACH) as EventType[];

/** Event types of the public contract (webhook payloads and the internal bus), in the order the contract lists them. */
export const EVENT_TYPES: readonly PublicEventType[] = ALL_EVENT_TYPES.filter(isPublicEventType);

/** Events that travel only on the internal bus (never to webhooks): they feed other services' projections. */
export const INTERNAL_EVENT_TYPES: readonly InternalEventType[] = ALL_EVENT_TYPES.filter((type): type is InternalEventType => EVENT_REACH[type] === 'internal');

export function isEventType(value: string): value is EventType {
  return Object.hasOwn(EVENT_REACH, value);
}

/** Whether an event may leave Assay (webhooks, the public event list). */
export function isPublicEventType(value: string): value is PublicEventType {
  return isEventType(value) && EVENT_REACH[value] === 'public';
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
