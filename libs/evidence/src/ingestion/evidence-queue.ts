import { JobName } from '@assay/shared/contracts';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';

/** Enqueues ingestion; the job id is the evidence id, so one piece of evidence is queued at most once at a time. */
@Injectable()
export class EvidenceQueue {
  constructor(private readonly producer: JobProducer) {}

  async enqueue(tenantId: string, evidenceId: string): Promise<void> {
    await this.producer.enqueue(JobName.EvidenceIngest, { tenantId, evidenceId }, { jobId: evidenceId });
  }
}
