import type {
  AssessmentEventData,
  DomainEvent,
  EvidenceExpiryEventData,
  FindingEventData,
  InvitationEventData,
  JsonObject,
  MemberEventData,
  MemberRemovedEventData,
  TenantEventData,
} from '@assay/shared/contracts';
import { ROLES } from '@assay/shared/contracts';
import { Logger } from '@nestjs/common';
import Ajv, { JSONSchemaType, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { UnrecoverableError } from 'bullmq';

const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
addFormats(ajv);

const uuid = { type: 'string', format: 'uuid' } as const;
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

const envelope = {
  type: 'object',
  required: ['id', 'type', 'timestamp', 'tenantId', 'data'],
  properties: { id: uuid, type: text(100), timestamp: instant, tenantId: uuid, data: { type: 'object' } },
};

const recipient = {
  type: 'object',
  required: ['contactId', 'name', 'email', 'isSeniorResponsibleOwner'],
  properties: { contactId: uuid, name: text(300), email, isSeniorResponsibleOwner: { type: 'boolean' }, portalUrl: credentialLink },
};

const SCHEMAS = {
  envelope: { type: 'object' },
  tenant: {
    type: 'object',
    required: ['tenantId', 'name', 'settings'],
    properties: {
      tenantId: uuid,
      name: text(300),
      settings: {
        type: 'object',
        properties: {
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
    },
  },
  member: {
    type: 'object',
    required: ['userId', 'email', 'name', 'role'],
    properties: { userId: uuid, email, name: text(300), role: { type: 'string', enum: [...ROLES] } },
  },
  memberRemoved: { type: 'object', required: ['userId'], properties: { userId: uuid } },
  invitation: {
    type: 'object',
    required: ['invitationId', 'email', 'role', 'tenantName', 'invitedByName', 'acceptUrl', 'expiresAt'],
    properties: {
      invitationId: uuid,
      email,
      role: { type: 'string', enum: [...ROLES] },
      tenantName: text(300),
      invitedByName: text(300),
      acceptUrl: credentialLink,
      expiresAt: instant,
    },
  },
  assessment: {
    type: 'object',
    required: ['assessmentId', 'supplierId', 'supplierName', 'status', 'dueAt'],
    properties: {
      assessmentId: uuid,
      supplierId: uuid,
      supplierName: text(300),
      productId: { anyOf: [uuid, { type: 'null' }] },
      productName: optionalText(300),
      status: text(40),
      dueAt: instant,
      recipients: { type: 'array', items: recipient, maxItems: 50 },
      seniorResponsibleOwner: { anyOf: [recipient, { type: 'null' }] },
      internalOwnerUserId: { anyOf: [uuid, { type: 'null' }] },
      message: optionalText(5000),
      score: { type: ['number', 'null'] },
    },
  },
  evidenceExpiry: {
    type: 'object',
    required: ['evidenceId', 'supplierId', 'kind', 'validUntil'],
    properties: {
      evidenceId: uuid,
      supplierId: uuid,
      supplierName: text(300),
      kind: text(40),
      validUntil: instant,
      internalOwnerUserId: { anyOf: [uuid, { type: 'null' }] },
    },
  },
  finding: {
    type: 'object',
    required: ['findingId', 'assessmentId', 'supplierId', 'claimId', 'severity', 'title', 'status'],
    properties: {
      findingId: uuid,
      assessmentId: uuid,
      supplierId: uuid,
      supplierName: text(300),
      claimId: text(20),
      severity: text(20),
      title: text(500),
      status: text(40),
      remediationDueAt: { anyOf: [instant, { type: 'null' }] },
      recipients: { type: 'array', items: recipient, maxItems: 50 },
    },
  },
} as const;

interface EventDataTypes {
  envelope: JsonObject;
  tenant: TenantEventData;
  member: MemberEventData;
  memberRemoved: MemberRemovedEventData;
  invitation: InvitationEventData;
  assessment: AssessmentEventData;
  evidenceExpiry: EvidenceExpiryEventData;
  finding: FindingEventData;
}

export type EventDataKind = keyof EventDataTypes;

const validateEnvelope = ajv.compile(envelope);
const validators = Object.fromEntries(
  Object.entries(SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema as unknown as JSONSchemaType<unknown>)]),
) as Record<EventDataKind, ValidateFunction>;

const logger = new Logger('NotificationEvents');

/**
 * The payload of an event this service consumes, checked against its contract. An event that does
 * not match can never succeed, so it is logged (type and id only: payloads carry links with
 * tokens) and the delivery is given up rather than retried.
 */
export function eventData<TKind extends EventDataKind>(event: DomainEvent, kind: TKind): EventDataTypes[TKind] {
  if (!validateEnvelope(event)) throw invalid(event, `envelope ${ajv.errorsText(validateEnvelope.errors)}`);
  const validate = validators[kind];
  if (!validate(event.data)) throw invalid(event, ajv.errorsText(validate.errors, { dataVar: 'data' }));
  return event.data as unknown as EventDataTypes[TKind];
}

/** A field of a malformed event as a log label: never its content unless it is a short string (an object may not even turn into one). */
function labelOf(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 100) : `(${value === null ? 'null' : typeof value})`;
}

function invalid(event: DomainEvent, reason: string): UnrecoverableError {
  const label = `${labelOf((event as { type?: unknown })?.type)} ${labelOf((event as { id?: unknown })?.id)}`;
  logger.warn(`skipping malformed event ${label}: ${reason}`);
  return new UnrecoverableError(`malformed event ${label}: ${reason}`);
}
