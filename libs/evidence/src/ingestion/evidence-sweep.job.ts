import { JobName, SystemTickPayload } from '@assay/shared/contracts';
import { OnTick } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { EvidenceIngestionService } from './evidence-ingestion.service';

/** Re-enqueues the ingestion of evidence a crash left pending or processing (see EvidenceIngestionService.requeueStranded). */
@Injectable()
export class EvidenceSweepJob {
  constructor(private readonly ingestion: EvidenceIngestionService) {}

  @OnTick(JobName.EvidenceSweep)
  sweep(_payload: SystemTickPayload): Promise<{ evidence: number }> {
    return this.ingestion.requeueStranded();
  }
}
