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
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** The envelope every event travels in: `{ id, type, timestamp, tenantId, data }`. */
export interface DomainEvent<TData extends JsonObject = JsonObject> {
  id: string;
  type: EventType;
  timestamp: string;
  tenantId: string;
  data: TData;
}
