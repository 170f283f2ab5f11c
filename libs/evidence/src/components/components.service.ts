import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { ComponentExposure, ComponentsRepository } from './components.repository';

/** Exposure search over the tenant's SBOM components. */
@Injectable()
export class ComponentsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly components: ComponentsRepository,
  ) {}

  /** Which suppliers (and products) ship a component: by exact purl, by versionless purl, or by name and version. */
  exposure(tenantId: string, query: { purl?: string; purlBase?: string; name?: string; version?: string }, limit: number): Promise<ComponentExposure[]> {
    return this.database.run((manager) => this.components.exposure(manager, tenantId, query, limit), tenantId);
  }
}
