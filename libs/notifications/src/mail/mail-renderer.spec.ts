import { MailRenderer } from './mail-renderer';
import { TEMPLATE_NAMES } from './mail-templates';
import { describeMailError, isTemporaryMailError } from './mail-transport';

const params = {
  recipientName: 'Sam Supplier',
  supplierName: 'Widget Works',
  productName: 'Widget Cloud',
  dueAt: '2026-03-31T12:00:00Z',
  daysLeft: 7,
  daysOverdue: 14,
  portalUrl: 'https://assay.example/portal?token=assay_portal_abc',
  invitedByName: 'Ada Admin',
  role: 'assessor',
  acceptUrl: 'https://assay.example/invitations/accept?token=xyz',
  expiresAt: '2026-04-07T12:00:00Z',
  message: 'Please attach the SBOM <for real>.',
  score: 0.825,
  kind: 'certificate',
  validUntil: '2026-05-01T00:00:00Z',
  title: 'No vulnerability disclosure policy',
  severity: 'high',
  claimId: '2.1.1',
  remediationDueAt: '2026-06-01T00:00:00Z',
  url: 'https://hooks.example.com/assay',
  failingSince: '2026-03-01T00:00:00Z',
  requestedDueAt: '2026-04-30T23:59:59Z',
  reason: 'Our SRO is away',
  comment: 'We need it for the board',
  requestedByName: 'Casey Contact',
  vulnerability: 'CVE-2021-44228',
  status: 'not_affected',
};

describe('MailRenderer', () => {
  const renderer = new MailRenderer();

  it.each(TEMPLATE_NAMES)('renders %s with the tenant name in subject, text and HTML', (name) => {
    const mail = renderer.render(name, 'Acme Ltd', params);
    expect(mail.subject).toContain('Acme Ltd');
    expect(mail.text).toContain('Acme Ltd');
    expect(mail.html).toContain('Acme Ltd');
    expect(mail.subject).not.toMatch(/\n|\{\{/);
    expect(mail.text).not.toContain('{{');
  });

  it('puts the portal link in assessment emails and reminders', () => {
    for (const name of ['assessment_sent', 'reminder_before', 'reminder_due', 'reminder_overdue', 'escalation_sro', 'assessment_returned'] as const) {
      const mail = renderer.render(name, 'Acme Ltd', params);
      expect(mail.text).toContain(params.portalUrl);
      expect(mail.html).toContain('href="https://assay.example/portal?token&#x3D;assay_portal_abc"');
    }
  });

  it('says how long is left or how late it is, with dates in words', () => {
    expect(renderer.render('reminder_before', 'Acme Ltd', params).subject).toBe(
      '[Acme Ltd] Reminder: assessment for Widget Works (Widget Cloud) due in 7 days',
    );
    expect(renderer.render('reminder_before', 'Acme Ltd', { ...params, daysLeft: 1, productName: null }).subject).toBe(
      '[Acme Ltd] Reminder: assessment for Widget Works due in 1 day',
    );
    expect(renderer.render('reminder_overdue', 'Acme Ltd', params).text).toContain('was due on 31 March 2026 and is 14 days overdue');
    expect(renderer.render('assessment_completed', 'Acme Ltd', params).text).toContain('Score: 82.5%');
  });

  it('escapes data in HTML but not in text, and keeps subjects on one line', () => {
    const mail = renderer.render('assessment_returned', 'Acme <Ltd>', { ...params, supplierName: 'Evil\r\nBcc: x@y.z' });
    expect(mail.html).toContain('Please attach the SBOM &lt;for real&gt;.');
    expect(mail.html).toContain('Acme &lt;Ltd&gt;');
    expect(mail.text).toContain('Please attach the SBOM <for real>.');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });
});

describe('SMTP failure classification', () => {
  it('retries 4xx replies and connection failures, not 5xx replies', () => {
    expect(isTemporaryMailError({ responseCode: 451, code: 'EENVELOPE' })).toBe(true);
    expect(isTemporaryMailError({ responseCode: 421 })).toBe(true);
    expect(isTemporaryMailError({ code: 'ECONNECTION' })).toBe(true);
    expect(isTemporaryMailError({ code: 'ETIMEDOUT' })).toBe(true);
    expect(isTemporaryMailError({ responseCode: 550, code: 'EENVELOPE' })).toBe(false);
    expect(isTemporaryMailError({ responseCode: 554 })).toBe(false);
    expect(isTemporaryMailError(new Error('template exploded'))).toBe(false);
  });

  it('describes a failure briefly', () => {
    expect(describeMailError({ responseCode: 550, code: 'EENVELOPE', message: 'mailbox unavailable' })).toBe('550 EENVELOPE mailbox unavailable');
  });
});
