import { machineNow } from '@assay/shared/clock';
import { TenantDatabase } from '@assay/shared/database';
import { NotFoundProblem } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { FrameworkDocument } from './catalogue-document';
import { CatalogueRepository, FrameworkSummary } from './catalogue.repository';

const CACHE_MS = 60_000;

/** The catalogue changes only when a new version is loaded, so it is cached briefly in memory. */
@Injectable()
export class CatalogueService {
  private readonly cache = new Map<string, { at: number; value: Promise<FrameworkDocument | null> }>();

  constructor(
    private readonly database: TenantDatabase,
    private readonly repository: CatalogueRepository,
  ) {}

  listFrameworks(): Promise<FrameworkSummary[]> {
    return this.database.runGlobal((manager) => this.repository.listFrameworks(manager));
  }

  /**
   * `within`: the caller's transaction, which a cache miss then reads through: taking a second
   * connection from the pool while holding one deadlocks the pool once every connection is held by
   * a transaction waiting for another.
   */
  async findFramework(key: string, version?: string, within?: EntityManager): Promise<FrameworkDocument | null> {
    const cacheKey = `${key}@${version ?? 'current'}`;
    const hit = this.cache.get(cacheKey);
    if (hit && machineNow() - hit.at < CACHE_MS) return hit.value;
    const value = within
      ? this.repository.findFramework(within, key, version)
      : this.database.runGlobal((manager) => this.repository.findFramework(manager, key, version));
    this.cache.set(cacheKey, { at: machineNow(), value });
    value.catch(() => this.cache.delete(cacheKey));
    return value;
  }

  async getFramework(key: string, version?: string, within?: EntityManager): Promise<FrameworkDocument> {
    const framework = await this.findFramework(key, version, within);
    if (!framework) throw new NotFoundProblem(version ? `Framework ${key} version ${version}` : `Framework ${key}`);
    return framework;
  }
}
