import { DEFAULT_TENANT_SETTINGS } from '@assay/shared/contracts';
import { writeProjection } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** What the evidence service knows of a tenant's settings. */
export interface EvidenceTenantSettings {
  expiryNoticeDays: number;
}

/**
 * This service's projection of the tenant settings it acts on, kept from tenancy's events. A write
 * applies only when its event is not older than what is stored (replays never roll it back).
 */
@Injectable()
export class TenantSettingsRepository {
  async upsert(manager: EntityManager, tenantId: string, settings: EvidenceTenantSettings, eventAt: string): Promise<void> {
    await writeProjection(manager, {
      table: ['evidence', 'tenants'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id: tenantId, expiry_notice_days: settings.expiryNoticeDays },
      eventAt,
    });
  }

  /** The tenant's settings (the defaults until tenancy's event has arrived). */
  async find(manager: EntityManager, tenantId: string): Promise<EvidenceTenantSettings> {
    const [row]: { expiry_notice_days: number }[] = await manager.query(`select expiry_notice_days from evidence.tenants where tenant_id = $1 and id = $1`, [
      tenantId,
    ]);
    return { expiryNoticeDays: row?.expiry_notice_days ?? DEFAULT_TENANT_SETTINGS.evidenceExpiryNoticeDays };
  }
}
