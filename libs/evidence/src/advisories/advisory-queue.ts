import { JobName } from '@assay/shared/contracts';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';

/** Enqueues the reading of a submitted advisory document; the job id is the document's id, so it is queued at most once at a time. */
@Injectable()
export class AdvisoryQueue {
  constructor(private readonly producer: JobProducer) {}

  async enqueue(tenantId: string, importId: string): Promise<void> {
    await this.producer.enqueue(JobName.AdvisoryImport, { tenantId, importId }, { jobId: importId });
  }
}
