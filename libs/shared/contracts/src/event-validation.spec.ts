import { EVENT_TYPES, INTERNAL_EVENT_TYPES, type EventType } from './domain-event';
import type { EventPayloads } from './event-payloads';
import { EVENT_PAYLOAD_SCHEMAS } from './event-schemas';
import { MalformedEventError, assertDomainEvent, assertEventData } from './event-validation';

const id = (n: number) => `01900000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const at = '2026-03-01T09:00:00.000Z';
const recipient = {
  contactId: id(10),
  name: 'Sam Patel',
  email: 'sam@widget.example',
  isSeniorResponsibleOwner: true,
  portalUrl: 'https://assay.example/portal?token=t',
};
const supplier = {
  supplierId: id(1),
  name: 'Widget Works',
  tier: 'high',
  role: 'developer_distributor',
  status: 'active' as const,
  domains: ['widget.example'],
  ownerUserId: null,
};
const assessment = {
  assessmentId: id(2),
  supplierId: id(1),
  supplierName: 'Widget Works',
  productId: null,
  status: 'sent',
  dueAt: at,
  recipients: [recipient],
  seniorResponsibleOwner: recipient,
};
const evidence = {
  evidenceId: id(3),
  supplierId: id(1),
  claimIds: ['1.1'],
  kind: 'sbom',
  status: 'processed' as const,
  sha256: 'ab'.repeat(32),
  checks: [{ key: 'sbom.fresh', claimIds: ['1.1'], result: 'pass' as const, detail: 'recent' }],
};
const expiry = { evidenceId: id(3), supplierId: id(1), kind: 'certificate', validUntil: at };
const finding = {
  findingId: id(4),
  assessmentId: id(2),
  supplierId: id(1),
  claimId: '2.1',
  severity: 'high',
  title: 'No SBOM',
  status: 'open',
  remediationDueAt: at,
};
const product = {
  id: id(8),
  supplierId: id(1),
  name: 'Widget Server',
  deliveryModel: 'on_premises',
  currentVersion: '4.2.0',
  endOfSupportAt: at,
  endOfSupportAnnouncedAt: null,
  createdAt: at,
  updatedAt: at,
};
const tenant = { tenantId: id(5), name: 'Acme', settings: {} as EventPayloads['tenant.created']['settings'] };
const member = { userId: id(6), email: 'a@acme.example', name: 'Ada', role: 'admin' as const };

const inquiry = {
  inquiryId: id(12),
  advisoryId: id(9),
  supplierId: id(1),
  supplierName: 'Widget Co',
  externalIds: ['GHSA-jfh8-c2jp-5v3q', 'CVE-2021-44228'],
  summary: 'Remote code injection in Log4j',
  dueAt: at,
  status: 'sent',
  internalOwnerUserId: null,
};

/** One valid payload of every event type: the contract's own examples. */
const EXAMPLES: { [K in EventType]: EventPayloads[K] } = {
  'supplier.created': supplier,
  'supplier.updated': supplier,
  'supplier.offboarded': { ...supplier, status: 'offboarded' },
  'assessment.created': assessment,
  'assessment.sent': assessment,
  'assessment.submitted': assessment,
  'assessment.returned': { ...assessment, message: 'Please attach the SBOM' },
  'assessment.completed': { ...assessment, score: 0.8 },
  'assessment.overdue': assessment,
  'assessment.cancelled': assessment,
  'reassessment.due': assessment,
  'evidence.processed': evidence,
  'evidence.failed': { ...evidence, status: 'failed', error: 'unreadable' },
  'evidence.expiring': expiry,
  'evidence.expired': expiry,
  'evidence.renewal_requested': {
    ...expiry,
    recipients: [
      { contactId: id(11), name: 'Sam SRO', email: 'sam@widget.example', isSeniorResponsibleOwner: true, portalUrl: 'https://assay.example/portal?token=x' },
    ],
  },
  'evidence.end_of_life_stated': {
    evidenceId: id(13),
    supplierId: id(1),
    productId: id(8),
    format: 'openeox',
    endOfSupportAt: at,
    endOfLifeAt: null,
    statedAt: '2026-01-01T00:00:00.000Z',
  },
  'evidence.declaration_stated': {
    evidenceId: id(13),
    supplierId: id(1),
    productId: null,
    assessmentId: id(2),
    claims: [{ framework: 'uk-sscop', frameworkVersion: '2025-05', claimId: '1.1.1', conformance: 1, rationale: 'Our SDLC policy' }],
  },
  'evidence.renewed': { evidenceId: id(13), supersedes: id(3), supplierId: id(1), kind: 'other', title: 'ISO 27001 certificate 2027', contactId: id(11) },
  'evidence.validity_changed': { evidenceId: id(3), supplierId: id(1), validUntil: '2027-01-31T00:00:00.000Z' },
  'finding.created': finding,
  'finding.updated': finding,
  'finding.overdue': finding,
  'finding.risk_acceptance_expired': { ...finding, status: 'open', riskAcceptedUntil: '2026-05-01T00:00:00.000Z' },
  'reminder.sent': { reminderId: id(7), assessmentId: id(2), step: 'before:7', kind: 'reminder', recipients: ['sam@widget.example'] },
  'product.end_of_support_notice': {
    supplierId: id(1),
    productId: id(8),
    endOfSupportAt: at,
    endOfSupportAnnouncedAt: null,
    noticeDays: 90,
    shortNotice: true,
    withinHorizon: true,
  },
  'product.created': product,
  'product.updated': { ...product, currentVersion: '4.3.0' },
  'product.removed': product,
  'advisory.matched': { advisoryId: id(9), supplierIds: [id(1)] },
  'inquiry.sent': inquiry,
  'inquiry.overdue': { ...inquiry, status: 'overdue' },
  'inquiry.answered': {
    ...inquiry,
    status: 'answered',
    answer: { status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path', impactStatement: 'Lookups are disabled' },
    contactId: id(11),
  },
  'inquiry.links_issued': {
    ...inquiry,
    recipients: [
      { contactId: id(11), name: 'Sam SRO', email: 'sam@widget.example', isSeniorResponsibleOwner: true, portalUrl: 'https://assay.example/portal?token=x' },
    ],
  },
  'tenant.created': tenant,
  'tenant.updated': tenant,
  'member.joined': member,
  'member.updated': member,
  'member.removed': { userId: id(6) },
  'invitation.created': {
    invitationId: id(9),
    email: 'b@acme.example',
    role: 'viewer',
    tenantName: 'Acme',
    invitedByName: 'Ada',
    acceptUrl: 'https://assay.example/invite?token=t',
    expiresAt: at,
  },
  'assessment.due_date_changed': { ...assessment, previousDueAt: at, reason: 'Holiday season' },
  'assessment.extension_requested': { ...assessment, requestId: id(10), requestedDueAt: at, reason: 'New SBOM tooling', requestStatus: 'pending' },
  'assessment.extension_decided': {
    ...assessment,
    requestId: id(10),
    requestedDueAt: at,
    reason: 'New SBOM tooling',
    requestStatus: 'approved',
    comment: null,
  },
  'assessment.sign_off_requested': {
    ...assessment,
    recipients: [{ contactId: id(11), name: 'Sam SRO', email: 'sam@widget.example', isSeniorResponsibleOwner: true }],
    requestedBy: { contactId: id(12), name: 'Casey Contact' },
  },
};

describe('event contracts', () => {
  it('has a schema for every event type, public and internal', () => {
    expect(Object.keys(EVENT_PAYLOAD_SCHEMAS).sort()).toEqual([...EVENT_TYPES, ...INTERNAL_EVENT_TYPES].sort());
  });

  it.each(Object.entries(EXAMPLES))('accepts a well-formed %s', (type, data) => {
    expect(assertEventData(type as EventType, data)).toBe(data);
    const event = { id: id(99), type, timestamp: at, tenantId: id(5), data };
    expect(assertDomainEvent(event)).toBe(event);
  });

  it.each(Object.keys(EXAMPLES))('refuses %s without its required members, naming what is wrong', (type) => {
    expect(() => assertEventData(type as EventType, {})).toThrow(MalformedEventError);
    expect(() => assertEventData(type as EventType, {})).toThrow(/must have required property/);
  });

  it('refuses a malformed envelope, an unknown type and a wrong format, with a label that carries no content', () => {
    const good = { id: id(99), type: 'supplier.created', timestamp: at, tenantId: id(5), data: supplier };
    expect(() => assertDomainEvent({ ...good, type: 'supplier.exploded' })).toThrow(/envelope/);
    expect(() => assertDomainEvent({ ...good, tenantId: 'acme' })).toThrow(/envelope/);
    expect(() => assertDomainEvent({ ...good, data: { ...supplier, supplierId: 'x' } })).toThrow(/data\/supplierId must match format "uuid"/);
    expect(() => assertDomainEvent(null)).toThrow(MalformedEventError);
    try {
      assertDomainEvent({ ...good, data: { ...supplier, name: 'secret'.repeat(100) } });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(MalformedEventError);
      expect((error as MalformedEventError).label).toBe(`supplier.created ${id(99)}`);
      expect((error as Error).message).not.toContain('secret');
    }
  });

  it('lets a newer producer add members an older consumer does not know', () => {
    expect(() => assertEventData('supplier.created', { ...supplier, riskRating: 'amber' })).not.toThrow();
  });

  it('takes a portal link as its minting service seals it', () => {
    const sealed = { ...assessment, recipients: [{ ...recipient, portalUrl: 'sealed:v1.a1_-.b2.c3' }] };
    expect(assertEventData('assessment.sent', sealed).recipients?.[0]?.portalUrl).toBe('sealed:v1.a1_-.b2.c3');
  });

  it.each([
    ['a sealed-looking link that is not one', { ...assessment, recipients: [{ ...recipient, portalUrl: 'sealed:javascript:alert(1)' }] }],
    ['a portal link that is not http(s)', { ...assessment, recipients: [{ ...recipient, portalUrl: 'javascript:alert(1)' }] }],
    ['a bad email', { ...assessment, recipients: [{ ...recipient, email: 'not-an-email' }] }],
    ['a bad date', { ...assessment, dueAt: 'next week' }],
    ['a bad id', { ...assessment, assessmentId: '42' }],
  ])('refuses an assessment event with %s', (_label, data) => {
    expect(() => assertEventData('assessment.sent', data)).toThrow(MalformedEventError);
  });

  it('bounds reminder policies', () => {
    const tenant = { tenantId: id(3), name: 'Acme', settings: { reminderPolicy: { overdueEveryDays: 0 } } };
    expect(() => assertEventData('tenant.updated', tenant)).toThrow(MalformedEventError);
    expect(assertEventData('tenant.updated', { ...tenant, settings: { reminderPolicy: { overdueEveryDays: 3 } } }).name).toBe('Acme');
  });
});
