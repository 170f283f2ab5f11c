import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { AdvisoryMatchingService } from './advisory-matching.service';

/** Matches each newly processed SBOM against the tenant's stored advisories, and applies each supplier's VEX statements. */
@Injectable()
export class AdvisoryMatchingListener {
  constructor(private readonly matching: AdvisoryMatchingService) {}

  @OnEvent({ types: ['evidence.processed'], name: 'evidence.advisory-matching' })
  async onEvidenceProcessed(event: DomainEvent<'evidence.processed'>): Promise<void> {
    if (event.data.status !== 'processed') return;
    if (event.data.kind === 'sbom') await this.matching.matchEvidence(event.tenantId, event.data.evidenceId);
    else if (event.data.kind === 'vex' && event.data.sha256)
      await this.matching.matchVex(event.tenantId, { id: event.data.evidenceId, supplierId: event.data.supplierId, sha256: event.data.sha256 });
  }
}
