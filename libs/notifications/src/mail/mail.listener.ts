import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { EventEmailsService } from './event-emails.service';

/** The emails events call for (see EventEmailsService). */
@Injectable()
export class MailListener {
  constructor(private readonly emails: EventEmailsService) {}

  @OnEvent({
    types: [
      'invitation.created',
      'assessment.sent',
      'assessment.returned',
      'assessment.completed',
      'evidence.expiring',
      'finding.created',
      'assessment.due_date_changed',
      'assessment.extension_requested',
      'assessment.extension_decided',
      'assessment.sign_off_requested',
      'evidence.renewal_requested',
      'inquiry.links_issued',
      'inquiry.answered',
      'inquiry.overdue',
    ],
    name: 'notifications.mail',
  })
  onEvent(event: DomainEvent): Promise<void> {
    return this.emails.queueFor(event);
  }
}
