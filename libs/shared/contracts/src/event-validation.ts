import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { EventType } from './domain-event';
import type { DomainEvent, EventData } from './event-payloads';
import { EVENT_ENVELOPE_SCHEMA, EVENT_PAYLOAD_SCHEMAS } from './event-schemas';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
addFormats(ajv);

const validateEnvelope = ajv.compile(EVENT_ENVELOPE_SCHEMA);
const payloadValidators = new Map<string, ValidateFunction>(Object.entries(EVENT_PAYLOAD_SCHEMAS).map(([type, schema]) => [type, ajv.compile(schema)]));

/** An event that does not meet its contract; `label` names it (type and id) without any of its content. */
export class MalformedEventError extends Error {
  constructor(
    readonly label: string,
    readonly reason: string,
  ) {
    super(`malformed event ${label}: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

/** A field of a malformed event as a log label: never its content unless it is a short string. */
function labelOf(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 100) : `(${value === null ? 'null' : typeof value})`;
}

/** `type id` of something that may or may not be an event, for logs. */
export function eventLabel(value: unknown): string {
  const candidate = typeof value === 'object' && value !== null ? (value as { type?: unknown; id?: unknown }) : {};
  return `${labelOf(candidate.type)} ${labelOf(candidate.id)}`;
}

/** The payload of one event type checked against its schema; throws `MalformedEventError`. */
export function assertEventData<TType extends EventType>(type: TType, data: unknown, label: string = type): EventData<TType> {
  const validate = payloadValidators.get(type);
  if (!validate) throw new MalformedEventError(label, `unknown event type`);
  if (!validate(data)) throw new MalformedEventError(label, ajv.errorsText(validate.errors, { dataVar: 'data' }));
  return data as EventData<TType>;
}

/** A whole event (envelope and payload) checked against the contract; throws `MalformedEventError`. */
export function assertDomainEvent(value: unknown): DomainEvent {
  const label = eventLabel(value);
  if (!validateEnvelope(value)) throw new MalformedEventError(label, `envelope ${ajv.errorsText(validateEnvelope.errors)}`);
  const event = value as DomainEvent;
  assertEventData(event.type, event.data, label);
  return event;
}
