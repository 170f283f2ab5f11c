import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { AdvisoryMatchingService } from './advisory-matching.service';

/** Matches each newly processed SBOM against the tenant's stored advisories. */
@Injectable()
export class AdvisoryMatchingListener {
  constructor(private readonly matching: AdvisoryMatchingService) {}

  @OnEvent({ types: ['evidence.processed'], name: 'evidence.advisory-matching' })
  async onEvidenceProcessed(event: DomainEvent<'evidence.processed'>): Promise<void> {
    if (event.data.kind !== 'sbom') return;
    await this.matching.matchEvidence(event.tenantId, event.data.evidenceId);
  }
}
