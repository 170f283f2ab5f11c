import { EvidenceExpiryDispatchPayload, EvidenceExpiryEventData, JobName, SystemTickPayload } from '@assay/shared/contracts';
import { TenantDatabase, updateReturning } from '@assay/shared/database';
import { JobProducer, OnJob, OnTick } from '@assay/shared/queue';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { emit } from '../evidence-writes';

const TENANTS_PER_TICK = 500;
const BATCH = 500;
/** How far ahead `evidence.expiring` warns. */
export const EXPIRING_WITHIN_DAYS = 30;

/** What still owes an event: expired and not announced, or expiring soon and not yet warned. */
const DUE = `status = 'processed' and valid_until is not null and expired_notified_at is null
  and (valid_until <= now() or (expiring_notified_at is null and valid_until <= now() + make_interval(days => ${EXPIRING_WITHIN_DAYS})))`;

interface Announced {
  id: string;
  supplier_id: string;
  kind: string | null;
  valid_until: Date;
  expired: boolean;
  supplier_name: string | null;
  owner_user_id: string | null;
}

/**
 * `evidence.expiring` (validUntil within 30 days) and `evidence.expired` (validUntil passed), each at
 * most once per evidence: the tick finds the tenants with something due and fans out one dispatch
 * each; a dispatch stamps `expiring_notified_at` / `expired_notified_at` and writes the events to the
 * outbox in the same transaction, so a repeated tick or a retried job finds nothing left to say.
 */
@Injectable()
export class EvidenceExpiryJobs {
  constructor(
    private readonly database: TenantDatabase,
    private readonly producer: JobProducer,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @OnTick(JobName.EvidenceExpiryTick)
  async tick(_payload: SystemTickPayload): Promise<{ tenants: number }> {
    const tenants: { tenant_id: string }[] = await this.database.runAsSystem((manager) =>
      manager.query(`select tenant_id from evidence.evidence where ${DUE} group by tenant_id limit $1`, [TENANTS_PER_TICK]),
    );
    const slot = Math.floor(Date.now() / this.config.schedulerTickMs);
    await this.producer.enqueueMany(
      JobName.EvidenceExpiryDispatch,
      tenants.map(({ tenant_id: tenantId }) => ({ payload: { tenantId }, options: { jobId: `evidence-expiry_${tenantId}_${slot}` } })),
    );
    return { tenants: tenants.length };
  }

  @OnJob(JobName.EvidenceExpiryDispatch)
  async dispatch(payload: EvidenceExpiryDispatchPayload): Promise<{ expiring: number; expired: number }> {
    const { tenantId } = payload;
    const announced = await this.database.run(async (manager) => {
      const rows = await updateReturning<Announced>(
        manager,
        `with due as (
           select id from evidence.evidence where tenant_id = $1 and ${DUE} order by valid_until limit $2 for update skip locked
         )
         update evidence.evidence e set
           expired_notified_at = case when e.valid_until <= now() then now() else e.expired_notified_at end,
           expiring_notified_at = case when e.valid_until > now() then now() else e.expiring_notified_at end
         from due where e.tenant_id = $1 and e.id = due.id
         returning e.id, e.supplier_id, e.kind, e.valid_until, e.valid_until <= now() as expired,
           (select s.name from evidence.suppliers s where s.tenant_id = e.tenant_id and s.id = e.supplier_id) as supplier_name,
           (select s.owner_user_id from evidence.suppliers s where s.tenant_id = e.tenant_id and s.id = e.supplier_id) as owner_user_id`,
        [tenantId, BATCH],
      );
      for (const row of rows) {
        const data: EvidenceExpiryEventData = {
          evidenceId: row.id,
          supplierId: row.supplier_id,
          supplierName: row.supplier_name ?? undefined,
          kind: row.kind ?? 'other',
          validUntil: row.valid_until.toISOString(),
          internalOwnerUserId: row.owner_user_id,
        };
        await emit(manager, tenantId, row.expired ? 'evidence.expired' : 'evidence.expiring', data);
      }
      return rows;
    }, tenantId);
    if (announced.length === BATCH)
      await this.producer.enqueue(JobName.EvidenceExpiryDispatch, payload, { jobId: `evidence-expiry_${tenantId}_more_${Date.now()}` });
    const expired = announced.filter((row) => row.expired).length;
    return { expiring: announced.length - expired, expired };
  }
}
