import fc from 'fast-check';
import type { EventType } from './domain-event';
import { MalformedEventError, assertDomainEvent } from './event-validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A payload shape and an event type that carries it. */
const KINDS = {
  tenant: 'tenant.updated',
  member: 'member.joined',
  memberRemoved: 'member.removed',
  invitation: 'invitation.created',
  assessment: 'assessment.sent',
  evidenceExpiry: 'evidence.expiring',
  finding: 'finding.created',
} as const satisfies Record<string, EventType>;
type Kind = keyof typeof KINDS;

const hostile = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.boolean(),
  fc.constantFrom(
    null,
    '',
    'x'.repeat(301),
    'javascript:alert(1)',
    'sealed:v1.a.b.c',
    'sealed:javascript:x',
    'https://assay.example/portal?token=t',
    'not-an-email',
    'a@b.example',
    '2026-13-01T00:00:00Z',
    '__proto__',
    {},
    [],
    { toString: '' },
    { id: 1 },
  ),
);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: hostile });
const uuid = maybe(fc.uuid());
const instant = maybe(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()));
const name = maybe(fc.string({ minLength: 1, maxLength: 20 }));
const email = maybe(
  fc
    .tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.constantFrom('@supplier.example', '@b.co', '@', '@@x.example', ''))
    .map(([local, domain]) => `${local}${domain}`),
);
const link = maybe(
  fc.tuple(fc.constantFrom('https://', 'http://', 'ftp://', 'sealed:v1.', ''), fc.string({ maxLength: 12 })).map(([scheme, rest]) => `${scheme}${rest}`),
);
const recipient = fc.record(
  { contactId: uuid, name, email, isSeniorResponsibleOwner: maybe(fc.boolean()), portalUrl: link },
  { requiredKeys: ['contactId', 'name', 'email', 'isSeniorResponsibleOwner'] },
);

/** Event data close enough to each contract that both acceptance and refusal are exercised. */
const DATA: Record<Kind, fc.Arbitrary<unknown>> = {
  tenant: fc.record({
    tenantId: uuid,
    name,
    settings: maybe(
      fc.record(
        {
          reminderPolicy: maybe(
            fc.record(
              {
                beforeDueDays: maybe(fc.array(fc.integer({ min: 0, max: 400 }), { maxLength: 11 })),
                overdueEveryDays: maybe(fc.integer({ min: 0, max: 400 })),
              },
              { requiredKeys: [] },
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
  }),
  member: fc.record({ userId: uuid, email, name, role: maybe(fc.constantFrom('owner', 'admin', 'assessor', 'viewer', 'root')) }),
  memberRemoved: fc.record({ userId: uuid }),
  invitation: fc.record({
    invitationId: uuid,
    email,
    role: maybe(fc.constantFrom('admin', 'viewer', 'god')),
    tenantName: name,
    invitedByName: name,
    acceptUrl: link,
    expiresAt: instant,
  }),
  assessment: fc.record(
    {
      assessmentId: uuid,
      supplierId: uuid,
      supplierName: name,
      productId: maybe(fc.option(fc.uuid(), { nil: null })),
      status: name,
      dueAt: instant,
      recipients: maybe(fc.array(recipient, { maxLength: 3 })),
      seniorResponsibleOwner: maybe(fc.option(recipient, { nil: null })),
      score: maybe(fc.option(fc.double(), { nil: null })),
    },
    { requiredKeys: ['assessmentId', 'supplierId', 'supplierName', 'status', 'dueAt'] },
  ),
  evidenceExpiry: fc.record(
    {
      evidenceId: uuid,
      supplierId: uuid,
      supplierName: name,
      kind: name,
      validUntil: instant,
      internalOwnerUserId: maybe(fc.option(fc.uuid(), { nil: null })),
    },
    { requiredKeys: ['evidenceId', 'supplierId', 'kind', 'validUntil'] },
  ),
  finding: fc.record({
    findingId: uuid,
    assessmentId: uuid,
    supplierId: uuid,
    claimId: name,
    severity: name,
    title: name,
    status: name,
    remediationDueAt: maybe(
      fc.option(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        { nil: null },
      ),
    ),
  }),
};

describe('event validation under generated input', () => {
  it.each(Object.keys(KINDS) as Kind[])('%s: the event comes back as it is, or it is refused as malformed, nothing else', (kind) => {
    const envelope = fc.record(
      {
        id: uuid,
        type: maybe(fc.constant(KINDS[kind])),
        timestamp: instant,
        tenantId: uuid,
        data: fc.oneof({ weight: 6, arbitrary: DATA[kind] }, { weight: 1, arbitrary: hostile }),
      },
      { requiredKeys: ['id', 'type', 'timestamp', 'tenantId'] },
    );
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: envelope }, { weight: 1, arbitrary: fc.anything({ maxDepth: 1 }) }), (event) => {
        let accepted: ReturnType<typeof assertDomainEvent>;
        try {
          accepted = assertDomainEvent(event);
        } catch (error) {
          if (error instanceof MalformedEventError) return true;
          throw error;
        }
        expect(accepted).toBe(event);
        const data: unknown = accepted.data;
        expect(accepted.id).toMatch(UUID);
        expect(accepted.tenantId).toMatch(UUID);
        expect(Number.isNaN(Date.parse(accepted.timestamp))).toBe(false);
        const fields = data as Record<string, unknown>;
        for (const field of ['assessmentId', 'supplierId', 'evidenceId', 'findingId', 'userId', 'invitationId', 'tenantId'])
          if (field in fields) expect(fields[field]).toMatch(UUID);
        for (const field of ['supplierName', 'name', 'tenantName', 'title'])
          if (field in fields) expect(typeof fields[field] === 'string' && (fields[field] as string).length > 0).toBe(true);
        for (const recipient of (fields['recipients'] as { portalUrl?: string }[] | undefined) ?? [])
          if (recipient.portalUrl !== undefined) expect(recipient.portalUrl).toMatch(/^(https?:\/\/|sealed:v1\.)/);
        return true;
      }),
    );
  });
});
