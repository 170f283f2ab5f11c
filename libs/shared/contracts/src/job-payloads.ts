import type { DomainEvent } from './event-payloads';
import { JobName } from './queue-names.constant';

/** Every job payload carries the tenant it acts for. */
export interface TenantJobPayload {
  tenantId: string;
}

export interface EventDispatchPayload extends TenantJobPayload {
  event: DomainEvent;
}

export interface EventDeliverPayload extends TenantJobPayload {
  listener: string;
  event: DomainEvent;
}

/** A tenantless system tick: it only fans out per-tenant jobs. */
export interface SystemTickPayload {
  /** What scheduled it, for logs. */
  scheduler: string;
}

export type RemindersDispatchPayload = TenantJobPayload;

export type ReassessmentOpenPayload = TenantJobPayload;

export interface EmailSendPayload extends TenantJobPayload {
  /** Logged emails of the tenant to send (a batch: one claim and one status update for all of them). */
  emailIds: string[];
}

export interface WebhookDeliverPayload extends TenantJobPayload {
  deliveryId: string;
  /** Which attempt this job makes (1-based); a job for an attempt already made does nothing. */
  attempt: number;
}

export interface EvidenceIngestPayload extends TenantJobPayload {
  evidenceId: string;
}

export interface AdvisoryImportPayload extends TenantJobPayload {
  importId: string;
}

export type EvidenceExpiryDispatchPayload = TenantJobPayload;

export type AssessmentsOverdueDispatchPayload = TenantJobPayload;
export type FindingsTimeDispatchPayload = TenantJobPayload;
export type FindingRemindersDispatchPayload = TenantJobPayload;

export interface JobPayloads {
  [JobName.EventDispatch]: EventDispatchPayload;
  [JobName.EventDeliver]: EventDeliverPayload;
  [JobName.RemindersTick]: SystemTickPayload;
  [JobName.NotificationsSweep]: SystemTickPayload;
  [JobName.RemindersDispatch]: RemindersDispatchPayload;
  [JobName.ReassessmentTick]: SystemTickPayload;
  [JobName.ReassessmentOpen]: ReassessmentOpenPayload;
  [JobName.EmailSend]: EmailSendPayload;
  [JobName.WebhookDeliver]: WebhookDeliverPayload;
  [JobName.EvidenceIngest]: EvidenceIngestPayload;
  [JobName.AdvisoryImport]: AdvisoryImportPayload;
  [JobName.AdvisoryFeedsTick]: SystemTickPayload;
  [JobName.AdvisoryFeedsPoll]: TenantJobPayload;
  [JobName.EvidenceSweep]: SystemTickPayload;
  [JobName.EvidenceExpiryTick]: SystemTickPayload;
  [JobName.EvidenceExpiryDispatch]: EvidenceExpiryDispatchPayload;
  [JobName.AssessmentsOverdueTick]: SystemTickPayload;
  [JobName.AssessmentsOverdueDispatch]: AssessmentsOverdueDispatchPayload;
  [JobName.FindingsTimeTick]: SystemTickPayload;
  [JobName.FindingsTimeDispatch]: FindingsTimeDispatchPayload;
  [JobName.InquiriesOverdueTick]: SystemTickPayload;
  [JobName.InquiriesOverdueDispatch]: TenantJobPayload;
  [JobName.InquiryRemindersTick]: SystemTickPayload;
  [JobName.InquiryRemindersDispatch]: TenantJobPayload;
  [JobName.FindingRemindersTick]: SystemTickPayload;
  [JobName.FindingRemindersDispatch]: FindingRemindersDispatchPayload;
}

export type JobPayload<TName extends JobName> = JobPayloads[TName];
