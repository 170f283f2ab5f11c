/** Every BullMQ queue Assay uses. Processes choose which to consume with WORKER_QUEUES. */
export enum QueueName {
  Events = 'events',
  EvidenceIngestion = 'evidence-ingestion',
  Notifications = 'notifications',
  Scheduler = 'scheduler',
}

/** Every job name. Each belongs to exactly one queue and has exactly one handler. */
export enum JobName {
  /** An outbox event arrived on the bus: fan it out to one delivery job per listener. */
  EventDispatch = 'event.dispatch',
  /** Deliver one event to one named listener. */
  EventDeliver = 'event.deliver',
  /** Scheduler tick: find tenants with reminders due and fan out one dispatch job each. */
  RemindersTick = 'reminders.tick',
  /** Send the due reminders and escalations of one tenant. */
  RemindersDispatch = 'reminders.dispatch',
  /** Scheduler tick: re-enqueue emails and webhook deliveries whose job was lost (crash between commit and enqueue). */
  NotificationsSweep = 'notifications.sweep',
  /** Send a batch of logged emails over SMTP (or to files when SMTP_URL is unset). */
  EmailSend = 'email.send',
  /** One attempt of one webhook delivery. */
  WebhookDeliver = 'webhook.deliver',
  /** Scheduler tick: find tenants with a supplier due for reassessment and fan out one job each. */
  ReassessmentTick = 'reassessment.tick',
  /** Open (and, when the tenant says so, send) the due reassessments of one tenant. */
  ReassessmentOpen = 'reassessment.open',
  /** Fetch (for URL evidence), detect, parse, check and index one piece of evidence. */
  EvidenceIngest = 'evidence.ingest',
  /** Read one submitted advisory document (OSV, CSAF, KEV) into the tenant's advisories. */
  AdvisoryImport = 'advisory.import',
  /** Scheduler tick: find tenants with an advisory feed due; fan out one poll each. */
  AdvisoryFeedsTick = 'advisory.feeds-tick',
  /** Pull one tenant's due advisory feeds (conditional requests) into the advisory import path. */
  AdvisoryFeedsPoll = 'advisory.feeds-poll',
  /** Scheduler tick: re-enqueue ingestion of evidence left pending (crash between commit and enqueue). */
  EvidenceSweep = 'evidence.sweep',
  /** Scheduler tick: find tenants with evidence expiring or expired and not yet announced; fan out one dispatch each. */
  EvidenceExpiryTick = 'evidence.expiry-tick',
  /** Emit `evidence.expiring` / `evidence.expired` (once each) for one tenant's evidence. */
  EvidenceExpiryDispatch = 'evidence.expiry-dispatch',
  /** Scheduler tick: find tenants with an assessment past its due date and not yet announced; fan out one dispatch each. */
  AssessmentsOverdueTick = 'assessments.overdue-tick',
  /** Emit `assessment.overdue` (once per assessment and due date) for one tenant's lapsed assessments. */
  AssessmentsOverdueDispatch = 'assessments.overdue-dispatch',
  /** Scheduler tick: find tenants with a finding past its remediation date or risk acceptance and not yet handled; fan out one dispatch each. */
  FindingsTimeTick = 'assessments.findings-time-tick',
  /** Emit `finding.overdue` (once per finding and remediation date) and reopen lapsed risk acceptances for one tenant. */
  FindingsTimeDispatch = 'assessments.findings-time-dispatch',
  /** Scheduler tick: find tenants with a supplier inquiry past its due date and unanswered; fan out one dispatch each. */
  InquiriesOverdueTick = 'evidence.inquiries-overdue-tick',
  /** Mark one tenant's lapsed inquiries overdue and emit `inquiry.overdue` (once per inquiry). */
  InquiriesOverdueDispatch = 'evidence.inquiries-overdue-dispatch',
  /** Scheduler tick: find tenants with a supplier inquiry reminder due; fan out one dispatch each. */
  InquiryRemindersTick = 'notifications.inquiry-reminders-tick',
  /** Send the reminders and escalations due for one tenant's supplier inquiries. */
  InquiryRemindersDispatch = 'notifications.inquiry-reminders-dispatch',
  /** Scheduler tick: find tenants with a finding reminder due; fan out one dispatch each. */
  FindingRemindersTick = 'notifications.finding-reminders-tick',
  /** Send the remediation reminders due for one tenant's findings. */
  FindingRemindersDispatch = 'notifications.finding-reminders-dispatch',
}

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.EventDispatch]: QueueName.Events,
  [JobName.EventDeliver]: QueueName.Events,
  [JobName.RemindersTick]: QueueName.Scheduler,
  [JobName.NotificationsSweep]: QueueName.Scheduler,
  [JobName.ReassessmentTick]: QueueName.Scheduler,
  [JobName.ReassessmentOpen]: QueueName.Scheduler,
  [JobName.RemindersDispatch]: QueueName.Notifications,
  [JobName.EmailSend]: QueueName.Notifications,
  [JobName.WebhookDeliver]: QueueName.Notifications,
  [JobName.EvidenceIngest]: QueueName.EvidenceIngestion,
  [JobName.AdvisoryImport]: QueueName.EvidenceIngestion,
  [JobName.AdvisoryFeedsTick]: QueueName.Scheduler,
  [JobName.AdvisoryFeedsPoll]: QueueName.EvidenceIngestion,
  [JobName.EvidenceSweep]: QueueName.Scheduler,
  [JobName.EvidenceExpiryTick]: QueueName.Scheduler,
  [JobName.EvidenceExpiryDispatch]: QueueName.EvidenceIngestion,
  [JobName.AssessmentsOverdueTick]: QueueName.Scheduler,
  [JobName.AssessmentsOverdueDispatch]: QueueName.Scheduler,
  [JobName.FindingsTimeTick]: QueueName.Scheduler,
  [JobName.FindingsTimeDispatch]: QueueName.Scheduler,
  [JobName.InquiriesOverdueTick]: QueueName.Scheduler,
  [JobName.InquiriesOverdueDispatch]: QueueName.EvidenceIngestion,
  [JobName.InquiryRemindersTick]: QueueName.Scheduler,
  [JobName.InquiryRemindersDispatch]: QueueName.Notifications,
  [JobName.FindingRemindersTick]: QueueName.Scheduler,
  [JobName.FindingRemindersDispatch]: QueueName.Notifications,
};

export function jobsOfQueue(queue: QueueName): JobName[] {
  return (Object.keys(JOB_QUEUE) as JobName[]).filter((job) => JOB_QUEUE[job] === queue);
}

export function isQueueName(value: string): value is QueueName {
  return (Object.values(QueueName) as string[]).includes(value);
}
