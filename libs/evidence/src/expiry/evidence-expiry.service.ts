import { machineNow } from '@assay/shared/clock';
import { EvidenceExpiryEventData, JobName } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { JobProducer } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { emit } from '../evidence-writes';

const TENANTS_PER_TICK = 500;
const BATCH = 500;

/**
 * `evidence.expiring` (validUntil within the tenant's `evidenceExpiryNoticeDays`, default 30) and `evidence.expired` (validUntil passed), each at
 * most once per evidence: the tick finds the tenants with something due and fans out one dispatch
 * each; a dispatch stamps `expiring_notified_at` / `expired_notified_at` and writes the events to the
 * outbox in the same transaction, so a repeated tick or a retried job finds nothing left to say.
 */
@Injectable()
export class EvidenceExpiryService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly evidence: EvidenceRepository,
    private readonly producer: JobProducer,
  ) {}

  /** One dispatch job per tenant with something to announce (one per tenant and tick slot). */
  async fanOut(): Promise<{ tenants: number }> {
    const tenants = await this.database.runAsSystem((manager) => this.evidence.tenantsWithExpiryDue(manager, TENANTS_PER_TICK));
    return this.producer.fanOutPerTenant(JobName.EvidenceExpiryDispatch, tenants, 'evidence-expiry');
  }

  /** Announces a batch of the tenant's expiring and expired evidence; a full batch queues another dispatch. */
  async announce(tenantId: string): Promise<{ expiring: number; expired: number }> {
    const announced = await this.database.run(async (manager) => {
      const rows = await this.evidence.announceExpiry(manager, tenantId, BATCH);
      for (const row of rows) {
        const data: EvidenceExpiryEventData = {
          evidenceId: row.id,
          supplierId: row.supplier_id,
          supplierName: row.supplier_name ?? undefined,
          kind: row.kind ?? 'other',
          validUntil: row.valid_until.toISOString(),
          internalOwnerUserId: row.owner_user_id,
          title: row.title,
        };
        await emit(manager, tenantId, row.expired ? 'evidence.expired' : 'evidence.expiring', data);
      }
      return rows;
    }, tenantId);
    if (announced.length === BATCH)
      await this.producer.enqueue(JobName.EvidenceExpiryDispatch, { tenantId }, { jobId: `evidence-expiry_${tenantId}_more_${machineNow()}` });
    const expired = announced.filter((row) => row.expired).length;
    return { expiring: announced.length - expired, expired };
  }
}
