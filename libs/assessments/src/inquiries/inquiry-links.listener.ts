import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { InquiryLinksService } from './inquiry-links.service';

/** Inquiry links for the contacts of a supplier asked about an advisory (see InquiryLinksService). */
@Injectable()
export class InquiryLinksListener {
  constructor(private readonly links: InquiryLinksService) {}

  @OnEvent({ types: ['inquiry.sent'], name: 'assessments.inquiry-links' })
  onSent(event: DomainEvent<'inquiry.sent'>): Promise<void> {
    return this.links.issue(event);
  }
}
