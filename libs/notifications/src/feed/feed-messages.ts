import type { DomainEvent } from '@assay/shared/contracts';

export interface FeedMessage {
  title: string;
  body: string;
  subjectType: string | null;
  subjectId: string | null;
}

type Data = Record<string, unknown>;

const text = (value: unknown, fallback: string) => (typeof value === 'string' && value.trim() ? value.trim().slice(0, 300) : fallback);
const day = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? value.slice(0, 10) : 'an unknown date');
const supplier = (data: Data) => text(data['supplierName'], 'A supplier');
const inquiry = (data: Data) => ({ subjectType: 'inquiry', subjectId: text(data['inquiryId'], '') || null });
/** An advisory's name in a message: its CVE when it has one. */
const vulnerability = (data: Data) => {
  const ids = Array.isArray(data['externalIds']) ? data['externalIds'].filter((id): id is string => typeof id === 'string') : [];
  return text(ids.find((id) => id.startsWith('CVE-')) ?? ids[0], 'an advisory');
};
const assessment = (data: Data) => ({ subjectType: 'assessment', subjectId: text(data['assessmentId'], '') || null });

const MESSAGES: Partial<Record<string, (data: Data) => FeedMessage>> = {
  'assessment.sent': (data) => ({ title: `Assessment sent to ${supplier(data)}`, body: `Due on ${day(data['dueAt'])}.`, ...assessment(data) }),
  'assessment.submitted': (data) => ({ title: `${supplier(data)} submitted their assessment`, body: 'It is ready for review.', ...assessment(data) }),
  'assessment.returned': (data) => ({ title: `Assessment returned to ${supplier(data)}`, body: `New due date ${day(data['dueAt'])}.`, ...assessment(data) }),
  'assessment.completed': (data) => ({
    title: `Assessment of ${supplier(data)} completed`,
    body: typeof data['score'] === 'number' ? `Score ${Math.round((data['score'] as number) * 100)}%.` : 'The review is complete.',
    ...assessment(data),
  }),
  'assessment.overdue': (data) => ({ title: `Assessment of ${supplier(data)} is overdue`, body: `It was due on ${day(data['dueAt'])}.`, ...assessment(data) }),
  'assessment.cancelled': (data) => ({ title: `Assessment of ${supplier(data)} cancelled`, body: 'No more reminders will be sent.', ...assessment(data) }),
  'reassessment.due': (data) => ({
    title: `${supplier(data)} is due for reassessment`,
    body: `Due on ${day(data['dueAt'])}.`,
    subjectType: 'supplier',
    subjectId: text(data['supplierId'], '') || null,
  }),
  'evidence.failed': (data) => ({
    title: `Evidence from ${supplier(data)} could not be processed`,
    body: text(data['error'], 'See the evidence for details.'),
    subjectType: 'evidence',
    subjectId: text(data['evidenceId'], '') || null,
  }),
  'evidence.expiring': (data) => ({
    title: `${text(data['kind'], 'Evidence')} evidence from ${supplier(data)} expires soon`,
    body: `Valid until ${day(data['validUntil'])}.`,
    subjectType: 'evidence',
    subjectId: text(data['evidenceId'], '') || null,
  }),
  'evidence.expired': (data) => ({
    title: `${text(data['kind'], 'Evidence')} evidence from ${supplier(data)} expired`,
    body: `It was valid until ${day(data['validUntil'])}.`,
    subjectType: 'evidence',
    subjectId: text(data['evidenceId'], '') || null,
  }),
  'finding.created': (data) => ({
    title: `New ${text(data['severity'], '')} finding for ${supplier(data)}`.replace('  ', ' '),
    body: text(data['title'], 'A finding was raised.'),
    subjectType: 'finding',
    subjectId: text(data['findingId'], '') || null,
  }),
  'finding.updated': (data) => ({
    title: `Finding for ${supplier(data)} is now ${text(data['status'], 'updated')}`,
    body: text(data['title'], ''),
    subjectType: 'finding',
    subjectId: text(data['findingId'], '') || null,
  }),
  'finding.overdue': (data) => ({
    title: `Finding for ${supplier(data)} is past its remediation date`,
    body: `${text(data['title'], '')} (due ${day(data['remediationDueAt'])}).`,
    subjectType: 'finding',
    subjectId: text(data['findingId'], '') || null,
  }),
  'finding.risk_acceptance_expired': (data) => ({
    title: `Risk acceptance for ${supplier(data)} has ended`,
    body: `${text(data['title'], '')} is open again (accepted until ${day(data['riskAcceptedUntil'])}).`,
    subjectType: 'finding',
    subjectId: text(data['findingId'], '') || null,
  }),
  'inquiry.sent': (data) => ({
    title: `Inquiry about ${vulnerability(data)} sent to ${supplier(data)}`,
    body: `Answer due on ${day(data['dueAt'])}.`,
    ...inquiry(data),
  }),
  'inquiry.answered': (data) => ({
    title: `${supplier(data)} answered about ${vulnerability(data)}`,
    body: `Status: ${text((data['answer'] as Data | undefined)?.['status'], 'answered').replace(/_/g, ' ')}.`,
    ...inquiry(data),
  }),
  'inquiry.overdue': (data) => ({
    title: `${supplier(data)} has not answered about ${vulnerability(data)}`,
    body: `The answer was due on ${day(data['dueAt'])}.`,
    ...inquiry(data),
  }),
  'reminder.sent': (data) => ({
    title:
      data['kind'] === 'reminder'
        ? 'Reminder sent to the supplier'
        : data['kind'] === 'escalation_sro'
          ? "Escalated to the supplier's Senior Responsible Owner"
          : 'Escalated to the supplier owner',
    body: `Step ${text(data['step'], 'reminder')}.`,
    ...assessment(data),
  }),
  'product.end_of_support_notice': (data) => ({
    title: `${supplier(data)} announced an end of support`,
    body: `A product reaches end of support on ${day(data['endOfSupportAt'])}.`,
    subjectType: 'supplier',
    subjectId: text(data['supplierId'], '') || null,
  }),
};

/** The feed line for an event, or null for events the feed leaves out (routine updates). */
export function feedMessageFor(event: Pick<DomainEvent, 'type' | 'data'>): FeedMessage | null {
  const build = MESSAGES[event.type];
  return build ? build(event.data as unknown as Data) : null;
}
