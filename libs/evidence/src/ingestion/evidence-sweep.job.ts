import { JobName, SystemTickPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer, OnJob } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';

const LIMIT = 1_000;

/**
 * Evidence is recorded first and its ingestion enqueued after the commit; a crash in between would
 * leave it `pending` with no job. This tick finds evidence still pending a minute after it was
 * accepted and enqueues it again under the same job id (the evidence id), so a job that is merely
 * waiting is not doubled, and ingestion of evidence already final does nothing.
 */
@Injectable()
export class EvidenceSweepJob {
  constructor(
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
  ) {}

  @OnJob(JobName.EvidenceSweep)
  async sweep(_payload: SystemTickPayload): Promise<{ evidence: number }> {
    const pending: { tenant_id: string; id: string }[] = await this.database.runAsSystem((manager) =>
      manager.query(`select tenant_id, id from evidence.evidence where status = 'pending' and created_at < now() - interval '1 minute' order by created_at limit $1`, [LIMIT]),
    );
    await this.producer.enqueueMany(
      JobName.EvidenceIngest,
      pending.map((row) => ({ payload: { tenantId: row.tenant_id, evidenceId: row.id }, options: { jobId: row.id } })),
    );
    return { evidence: pending.length };
  }
}
