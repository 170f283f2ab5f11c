import { EvidenceIngestPayload, JobName } from '@assay/shared/contracts';
import { OnJob } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { EvidenceIngestionService } from './evidence-ingestion.service';

/** Ingests one piece of evidence (see EvidenceIngestionService). */
@Injectable()
export class EvidenceIngestionJob {
  constructor(private readonly ingestion: EvidenceIngestionService) {}

  @OnJob(JobName.EvidenceIngest)
  ingest(payload: EvidenceIngestPayload): Promise<{ outcome: string }> {
    return this.ingestion.ingest(payload);
  }
}
