import { withDefaultSettings, type TenantSettings } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { TenantSettingsRepository } from './tenant-settings.repository';

/** Keeps the evidence service's copy of the tenant settings it needs (the expiry notice). */
@Injectable()
export class TenantSettingsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly tenants: TenantSettingsRepository,
  ) {}

  /** Applies the tenant's settings as of `eventAt` (an older event never overwrites a newer one). */
  record(tenantId: string, stored: Partial<TenantSettings> | null | undefined, eventAt: string): Promise<void> {
    const settings = withDefaultSettings(stored);
    return this.database.run((manager) => this.tenants.upsert(manager, tenantId, { expiryNoticeDays: settings.evidenceExpiryNoticeDays }, eventAt), tenantId);
  }
}
