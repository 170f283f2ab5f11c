import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { RenewalLinksService } from './renewal-links.service';

/** Renewal links for expiring supplier evidence, and what follows a renewal (see RenewalLinksService). */
@Injectable()
export class RenewalLinksListener {
  constructor(private readonly renewals: RenewalLinksService) {}

  @OnEvent({ types: ['evidence.expiring', 'evidence.expired'], name: 'assessments.renewal-links' })
  onExpiring(event: DomainEvent<'evidence.expiring' | 'evidence.expired'>): Promise<void> {
    return this.renewals.requestRenewal(event);
  }

  @OnEvent({ types: ['evidence.renewed'], name: 'assessments.renewals' })
  onRenewed(event: DomainEvent<'evidence.renewed'>): Promise<void> {
    return this.renewals.followRenewal(event);
  }
}
