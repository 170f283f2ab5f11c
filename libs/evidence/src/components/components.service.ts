import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { AdvisoryExposuresRepository, ComponentAdvisory } from '../advisories/advisory-exposures.repository';
import { ComponentExposure, ComponentsRepository } from './components.repository';

/** Exposure search over the tenant's SBOM components, each with the advisories that name it. */
@Injectable()
export class ComponentsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly components: ComponentsRepository,
    private readonly advisoryExposures: AdvisoryExposuresRepository,
  ) {}

  /** Which suppliers (and products) ship a component: by exact purl, by versionless purl, or by name and version. */
  exposure(
    tenantId: string,
    query: { purl?: string; purlBase?: string; name?: string; version?: string },
    limit: number,
  ): Promise<(ComponentExposure & { advisories: ComponentAdvisory[] })[]> {
    return this.database.run(async (manager) => {
      const found = await this.components.exposure(manager, tenantId, query, limit);
      const withPurl = found.filter((component): component is ComponentExposure & { purl: string } => component.purl !== null);
      const advisories = await this.advisoryExposures.advisoriesOfComponents(manager, tenantId, withPurl);
      return found.map((component) => ({ ...component, advisories: advisories.get(`${component.evidenceId} ${component.purl}`) ?? [] }));
    }, tenantId);
  }
}
