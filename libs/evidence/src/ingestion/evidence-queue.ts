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

  /** Enqueues ingestion again unless its job is still waiting or running; true when it was enqueued. */
  enqueueAgain(tenantId: string, evidenceId: string): Promise<boolean> {
    return this.producer.enqueueAgain(JobName.EvidenceIngest, { tenantId, evidenceId }, evidenceId);
  }
}
