import type { DomainEvent } from '@assay/shared/contracts';
import { OnEvent } from '@assay/shared/queue';
import { Injectable } from '@nestjs/common';
import { TenantSettingsService } from './tenant-settings.service';

/** Keeps the tenant settings projection from tenancy's tenant events (one naming another tenant in its data is skipped). */
@Injectable()
export class TenantSettingsListener {
  constructor(private readonly tenants: TenantSettingsService) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated'], name: 'evidence.tenants' })
  async onTenantEvent(event: DomainEvent<'tenant.created' | 'tenant.updated'>): Promise<void> {
    if (event.data.tenantId !== event.tenantId) return;
    await this.tenants.record(event.tenantId, event.data.settings, event.timestamp);
  }
}
