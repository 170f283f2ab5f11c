import type { DomainEvent } from '@assay/shared/contracts';
import { CredentialLinkSealer } from '@assay/shared/auth';
import { UnrecoverableError } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { eventData } from './event-validation';

const event = (type: string, data: Record<string, unknown>): DomainEvent =>
  ({
    id: '01900000-0000-7000-8000-000000000001',
    type,
    timestamp: '2026-01-01T00:00:00.000Z',
    tenantId: '01900000-0000-7000-8000-000000000002',
    data,
  }) as unknown as DomainEvent;

const assessment = {
  assessmentId: '01900000-0000-7000-8000-000000000003',
  supplierId: '01900000-0000-7000-8000-000000000004',
  supplierName: 'Widget Works',
  status: 'sent',
  dueAt: '2026-02-01T00:00:00.000Z',
  recipients: [
    {
      contactId: '01900000-0000-7000-8000-000000000005',
      name: 'Sam',
      email: 'sam@widget.example',
      isSeniorResponsibleOwner: true,
      portalUrl: 'https://assay.example/portal?token=t',
    },
  ],
};

describe('eventData', () => {
  it('returns a payload that matches its contract', () => {
    expect(eventData(event('assessment.sent', assessment), 'assessment').supplierName).toBe('Widget Works');
  });

  it('takes a sealed portal link as its minting service sends it', () => {
    const sealed = new CredentialLinkSealer(randomBytes(32)).sealLink('01900000-0000-7000-8000-000000000002', assessment.recipients[0]!.portalUrl);
    const data = eventData(event('assessment.sent', { ...assessment, recipients: [{ ...assessment.recipients[0], portalUrl: sealed }] }), 'assessment');
    expect(data.recipients?.[0]?.portalUrl).toBe(sealed);
  });

  it.each([
    ['a sealed-looking link that is not one', { ...assessment, recipients: [{ ...assessment.recipients[0], portalUrl: 'sealed:javascript:alert(1)' }] }],
    ['a missing field', { ...assessment, dueAt: undefined }],
    ['a bad date', { ...assessment, dueAt: 'next week' }],
    ['a bad email', { ...assessment, recipients: [{ ...assessment.recipients[0], email: 'not-an-email' }] }],
    ['a portal link that is not http(s)', { ...assessment, recipients: [{ ...assessment.recipients[0], portalUrl: 'javascript:alert(1)' }] }],
    ['a bad id', { ...assessment, assessmentId: '42' }],
  ])('gives up (never retries) on %s', (_label, data) => {
    expect(() => eventData(event('assessment.sent', data), 'assessment')).toThrow(UnrecoverableError);
  });

  it('checks the envelope too', () => {
    expect(() => eventData({ ...event('assessment.sent', assessment), tenantId: 'nope' }, 'assessment')).toThrow(/envelope/);
  });

  it('bounds reminder policies', () => {
    const tenant = { tenantId: '01900000-0000-7000-8000-000000000002', name: 'Acme', settings: { reminderPolicy: { overdueEveryDays: 0 } } };
    expect(() => eventData(event('tenant.updated', tenant), 'tenant')).toThrow(UnrecoverableError);
    expect(eventData(event('tenant.updated', { ...tenant, settings: { reminderPolicy: { overdueEveryDays: 3 } } }), 'tenant').name).toBe('Acme');
  });
});
