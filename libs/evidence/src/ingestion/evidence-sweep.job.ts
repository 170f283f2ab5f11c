import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { JobName, SystemTickPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer, OnTick } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';

const LIMIT = 1_000;
const PENDING_AFTER_MS = 60_000;

/**
 * Evidence is recorded first and its ingestion enqueued after the commit; a crash in between would
 * leave it `pending` with no job, and workers dying again and again during one ingestion can leave
 * it `processing` under a job BullMQ failed for stalling. This tick finds evidence pending a minute
 * after it was accepted (or RECOVERY_AFTER_MS, if shorter) and evidence still processing, and
 * enqueues its ingestion again under the same job id (the evidence id) unless that job is still
 * waiting or running — so nothing is processed twice at once, and ingestion of evidence already
 * final does nothing.
 */
@Injectable()
export class EvidenceSweepJob {
  constructor(
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnTick(JobName.EvidenceSweep)
  async sweep(_payload: SystemTickPayload): Promise<{ evidence: number }> {
    const stranded: { tenant_id: string; id: string }[] = await this.database.runAsSystem((manager) =>
      manager.query(
        `select tenant_id, id from evidence.evidence
          where (status = 'pending' and created_at < now() - make_interval(secs => $2::float8 / 1000)) or status = 'processing'
          order by created_at limit $1`,
        [LIMIT, Math.min(PENDING_AFTER_MS, this.config.recoveryAfterMs)],
      ),
    );
    let enqueued = 0;
    for (const row of stranded) {
      if (await this.producer.enqueueAgain(JobName.EvidenceIngest, { tenantId: row.tenant_id, evidenceId: row.id }, row.id)) enqueued += 1;
    }
    return { evidence: enqueued };
  }
}
