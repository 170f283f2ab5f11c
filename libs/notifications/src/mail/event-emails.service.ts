import type { AssessmentEventData, AssessmentRecipient, DomainEvent, InquiryEventData } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirectoryMember, DirectoryRepository } from '../directory/directory.repository';
import { vulnerabilityName } from '../inquiry-reminders/inquiry-reminders.repository';
import { ReminderSchedulesRepository } from '../reminders/reminder-schedules.repository';
import { EmailQueue } from './email-queue';
import { EmailDraft, EmailsRepository } from './emails.repository';
import type { TemplateName } from './mail-templates';

const contactParams = (recipient: AssessmentRecipient) => ({
  recipientName: recipient.name,
  ...(recipient.portalUrl ? { portalUrl: recipient.portalUrl } : {}),
});

/** Who an email goes to, and the parameters that name them (and give a supplier contact their link). */
interface Addressee {
  to: { address: string; name?: string | null };
  params: Record<string, unknown>;
}

const contacts = (recipients: AssessmentRecipient[]): Addressee[] =>
  recipients.map((recipient) => ({ to: { address: recipient.email, name: recipient.name }, params: contactParams(recipient) }));

const inquiryParams = (data: InquiryEventData) => ({ vulnerability: vulnerabilityName(data), inquiryId: data.inquiryId });

const members = (people: DirectoryMember[]): Addressee[] =>
  people.map((member) => ({ to: { address: member.email, name: member.name }, params: { recipientName: member.name } }));

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
    // An email about one assessment to each person, with the assessment's names and due date.
    const aboutAssessment = (
      template: TemplateName,
      people: Addressee[],
      data: Pick<AssessmentEventData, 'assessmentId' | 'supplierName' | 'productName' | 'dueAt'>,
      params: Record<string, unknown>,
    ) =>
      people.map((person) =>
        draft(
          template,
          person.to,
          { ...person.params, supplierName: data.supplierName, productName: data.productName ?? null, dueAt: data.dueAt, ...params },
          { assessmentId: data.assessmentId },
        ),
      );
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
        const recipients = event.type === 'assessment.sent' ? (data.recipients ?? []) : await this.withLinks(manager, event, data.recipients);
        return aboutAssessment(template, contacts(recipients), data, { message: data.message ?? null, score: data.score ?? null });
      }
      case 'assessment.due_date_changed': {
        // Only the recipients the event names (none for a draft, or when a return's email already says it), with the links sent before.
        const data = event.data;
        if (!data.recipients?.length) return [];
        const recipients = await this.withLinks(manager, event, data.recipients);
        return aboutAssessment('assessment_due_date_changed', contacts(recipients), data, { previousDueAt: data.previousDueAt, reason: data.reason });
      }
      case 'assessment.extension_requested': {
        // The customer decides: the supplier's internal owner (or the admins) hears of the request.
        const data = event.data;
        const people = await this.internalPeople(manager, event.tenantId, data.internalOwnerUserId ?? null);
        return aboutAssessment('extension_requested', members(people), data, { requestedDueAt: data.requestedDueAt, reason: data.reason });
      }
      case 'assessment.extension_decided': {
        // An approval moves the due date, whose own email tells the supplier; a rejection is told here.
        const data = event.data;
        if (data.requestStatus !== 'rejected') return [];
        const recipients = await this.withLinks(manager, event);
        return aboutAssessment('extension_declined', contacts(recipients), data, { requestedDueAt: data.requestedDueAt, comment: data.comment ?? null });
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
      case 'evidence.renewal_requested': {
        // The supplier's contacts, each with the renewal link the event carries.
        const data = event.data;
        return data.recipients.map((recipient) =>
          draft(
            'evidence_renewal_requested',
            { address: recipient.email, name: recipient.name },
            {
              ...contactParams(recipient),
              supplierName: data.supplierName ?? 'your organisation',
              kind: data.kind,
              title: data.title ?? null,
              validUntil: data.validUntil,
            },
          ),
        );
      }
      case 'inquiry.links_issued': {
        // The supplier's contacts, each with the inquiry link the event carries.
        const data = event.data;
        return data.recipients.map((recipient) =>
          draft(
            'inquiry_sent',
            { address: recipient.email, name: recipient.name },
            { ...contactParams(recipient), ...inquiryParams(data), supplierName: data.supplierName, summary: data.summary, dueAt: data.dueAt },
          ),
        );
      }
      case 'inquiry.answered':
      case 'inquiry.overdue': {
        // The supplier's internal owner (or the admins) hears of the answer, or of its absence.
        const data = event.data;
        const people = await this.internalPeople(manager, event.tenantId, data.internalOwnerUserId ?? null);
        const answer = event.type === 'inquiry.answered' ? event.data.answer : null;
        return members(people).map((person) =>
          draft(event.type === 'inquiry.answered' ? 'inquiry_answered' : 'inquiry_overdue', person.to, {
            ...person.params,
            ...inquiryParams(data),
            supplierName: data.supplierName,
            dueAt: data.dueAt,
            ...(answer ? { ...answer } : {}),
          }),
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

  /**
   * The supplier's recipients an event names (else those the assessment was sent to), each with the
   * portal link sent to them before when the event carries none.
   */
  private async withLinks(
    manager: EntityManager,
    event: DomainEvent & { data: { assessmentId: string } },
    named?: AssessmentRecipient[],
  ): Promise<AssessmentRecipient[]> {
    const known = (await this.schedules.find(manager, event.tenantId, event.data.assessmentId))?.recipients ?? [];
    const links = new Map(known.map((recipient) => [recipient.contactId, recipient.portalUrl]));
    return (named?.length ? named : known).map((recipient) => ({ ...recipient, portalUrl: recipient.portalUrl ?? links.get(recipient.contactId) }));
  }

  /** The supplier's internal owner, or the tenant's admins when there is none. */
  private async internalPeople(manager: EntityManager, tenantId: string, ownerUserId: string | null): Promise<DirectoryMember[]> {
    const owner = ownerUserId ? (await this.directory.membersByIds(manager, tenantId, [ownerUserId])).get(ownerUserId) : undefined;
    return owner ? [owner] : this.directory.admins(manager, tenantId);
  }
}
