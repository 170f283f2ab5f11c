import { EmailSendPayload, JobName } from '@assay/shared/contracts';
import { OnJob } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { EmailSendService } from './email-send.service';

/** Sends a batch of logged emails (see EmailSendService). */
@Injectable()
export class EmailSendJob {
  constructor(private readonly emails: EmailSendService) {}

  @OnJob(JobName.EmailSend)
  send(payload: EmailSendPayload): Promise<Record<string, number>> {
    return this.emails.send(payload);
  }
}
