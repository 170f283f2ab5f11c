import type { AssessmentRecipient, DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirectoryMember, DirectoryRepository } from '../directory/directory.repository';
import { ReminderSchedulesRepository } from '../reminders/reminder-schedules.repository';
import { EmailQueue } from './email-queue';
import { EmailDraft, EmailsRepository } from './emails.repository';
import type { TemplateName } from './mail-templates';

const contactParams = (recipient: AssessmentRecipient) => ({
  recipientName: recipient.name,
  ...(recipient.portalUrl ? { portalUrl: recipient.portalUrl } : {}),
});

/** The emails events call for: invitations, assessments sent, returned and completed, expiring evidence, new findings. */
@Injectable()
export class EventEmailsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly emails: EmailsRepository,
    private readonly emailQueue: EmailQueue,
    private readonly directory: DirectoryRepository,
    private readonly schedules: ReminderSchedulesRepository,
  ) {}

  /** Logs the emails the event calls for (once: each has a key per event, template and address) and queues them. */
  async queueFor(event: DomainEvent): Promise<void> {
    const ids = await this.database.run(async (manager) => this.emails.queue(manager, event.tenantId, await this.drafts(manager, event)), event.tenantId);
    await this.emailQueue.enqueue(event.tenantId, ids);
  }

  private async drafts(manager: EntityManager, event: DomainEvent): Promise<EmailDraft[]> {
    const draft = (
      template: TemplateName,
      to: { address: string; name?: string | null },
      params: Record<string, unknown>,
      extra: Partial<EmailDraft> = {},
    ): EmailDraft => ({
      template,
      to,
      params,
      dedupeKey: `event:${event.id}:${template}:${to.address.toLowerCase()}`,
      ...extra,
    });
    switch (event.type) {
      case 'invitation.created': {
        const data = event.data;
        return [
          draft(
            'invitation',
            { address: data.email },
            {
              tenantName: data.tenantName,
              invitedByName: data.invitedByName,
              role: data.role,
              acceptUrl: data.acceptUrl,
              expiresAt: data.expiresAt,
            },
          ),
        ];
      }
      case 'assessment.sent':
      case 'assessment.returned':
      case 'assessment.completed': {
        const data = event.data;
        const template: TemplateName =
          event.type === 'assessment.sent' ? 'assessment_sent' : event.type === 'assessment.returned' ? 'assessment_returned' : 'assessment_completed';
        // A returned or completed event may name the contacts without links: use the ones sent before.
        const known = event.type === 'assessment.sent' ? null : await this.schedules.find(manager, event.tenantId, data.assessmentId);
        const links = new Map((known?.recipients ?? []).map((recipient) => [recipient.contactId, recipient.portalUrl]));
        const recipients = data.recipients?.length ? data.recipients : (known?.recipients ?? []);
        return recipients.map((recipient) =>
          draft(
            template,
            { address: recipient.email, name: recipient.name },
            {
              ...contactParams({ ...recipient, portalUrl: recipient.portalUrl ?? links.get(recipient.contactId) }),
              supplierName: data.supplierName,
              productName: data.productName ?? null,
              dueAt: data.dueAt,
              message: data.message ?? null,
              score: data.score ?? null,
            },
            { assessmentId: data.assessmentId },
          ),
        );
      }
      case 'assessment.due_date_changed': {
        // Only the recipients the event names (none for a draft, or when a return's email already says it), with the links sent before.
        const data = event.data;
        if (!data.recipients?.length) return [];
        const known = await this.schedules.find(manager, event.tenantId, data.assessmentId);
        const links = new Map((known?.recipients ?? []).map((recipient) => [recipient.contactId, recipient.portalUrl]));
        return data.recipients.map((recipient) =>
          draft(
            'assessment_due_date_changed',
            { address: recipient.email, name: recipient.name },
            {
              ...contactParams({ ...recipient, portalUrl: recipient.portalUrl ?? links.get(recipient.contactId) }),
              supplierName: data.supplierName,
              productName: data.productName ?? null,
              dueAt: data.dueAt,
              previousDueAt: data.previousDueAt,
              reason: data.reason,
            },
            { assessmentId: data.assessmentId },
          ),
        );
      }
      case 'assessment.sign_off_requested': {
        // The Senior Responsible Owner, with the new link the event carries.
        const data = event.data;
        return (data.recipients ?? []).map((recipient) =>
          draft(
            'assessment_sign_off_requested',
            { address: recipient.email, name: recipient.name },
            {
              ...contactParams(recipient),
              supplierName: data.supplierName,
              productName: data.productName ?? null,
              dueAt: data.dueAt,
              requestedByName: data.requestedBy.name,
              message: data.message ?? null,
            },
            { assessmentId: data.assessmentId },
          ),
        );
      }
      case 'evidence.expiring': {
        const data = event.data;
        const people = await this.internalPeople(manager, event.tenantId, data.internalOwnerUserId ?? null);
        return people.map((member) =>
          draft(
            'evidence_expiring',
            { address: member.email, name: member.name },
            {
              recipientName: member.name,
              supplierName: data.supplierName ?? 'a supplier',
              kind: data.kind,
              validUntil: data.validUntil,
            },
          ),
        );
      }
      case 'finding.created': {
        const data = event.data;
        const params = {
          supplierName: data.supplierName ?? 'the supplier',
          title: data.title,
          severity: data.severity,
          claimId: data.claimId,
          remediationDueAt: data.remediationDueAt ?? null,
        };
        if (data.recipients?.length) {
          return data.recipients.map((recipient) =>
            draft('finding_created', { address: recipient.email, name: recipient.name }, { ...params, ...contactParams(recipient) }),
          );
        }
        const admins = await this.directory.admins(manager, event.tenantId);
        return admins.map((member) => draft('finding_created', { address: member.email, name: member.name }, { ...params, recipientName: member.name }));
      }
      default:
        return [];
    }
  }

  /** The supplier's internal owner, or the tenant's admins when there is none. */
  private async internalPeople(manager: EntityManager, tenantId: string, ownerUserId: string | null): Promise<DirectoryMember[]> {
    const owner = ownerUserId ? (await this.directory.membersByIds(manager, tenantId, [ownerUserId])).get(ownerUserId) : undefined;
    return owner ? [owner] : this.directory.admins(manager, tenantId);
  }
}
