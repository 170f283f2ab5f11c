import type { DomainEvent, TenantEventData } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { OnEvent } from '@assay/shared/queue';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * This service's projection of tenant names (the customer name the supplier portal shows), kept from
 * tenancy's internal events. Writes carry the event time and never roll a newer name back.
 */
@Injectable()
export class TenantDirectory {
  private readonly logger = new Logger(TenantDirectory.name);

  constructor(private readonly database: TenantDatabase) {}

  @OnEvent({ types: ['tenant.created', 'tenant.updated'], name: 'assessments.directory' })
  async onTenantEvent(event: DomainEvent): Promise<void> {
    const data = event.data as Partial<TenantEventData>;
    if (data.tenantId !== event.tenantId || typeof data.name !== 'string' || data.name.length === 0 || data.name.length > 300) {
      // A payload that does not match can never succeed: given up, not retried.
      this.logger.warn(`skipping malformed ${event.type} ${event.id}`);
      return;
    }
    const name = data.name;
    await this.database.run(
      (m) =>
        m.query(
          `insert into assessments.tenants (tenant_id, id, name, event_at) values ($1, $1, $2, $3)
           on conflict (tenant_id, id) do update set name = excluded.name, event_at = excluded.event_at, updated_at = now()
           where assessments.tenants.event_at <= excluded.event_at`,
          [event.tenantId, name, event.timestamp],
        ),
      event.tenantId,
    );
  }

  async tenantName(m: EntityManager, tenantId: string): Promise<string | null> {
    const [row]: { name: string }[] = await m.query(`select name from assessments.tenants where tenant_id = $1 and id = $1`, [tenantId]);
    return row?.name ?? null;
  }
}
