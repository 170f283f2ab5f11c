import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { TenantDatabase, isUuid, newId } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { UnsafeTargetError, checkOutboundUrl } from '@assay/shared/net';
import { Inject, Injectable } from '@nestjs/common';
import { audit, requestPrincipal } from '../evidence-writes';
import { AdvisoryFeed, AdvisoryFeedFormat, AdvisoryFeedsRepository, MAX_ADVISORY_FEEDS } from './advisory-feeds.repository';

/** The tenant's advisory feeds: registered, listed and removed. */
@Injectable()
export class AdvisoryFeedsService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly feeds: AdvisoryFeedsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** A feed's URL passes the same outbound checks as evidence URLs before it is kept. */
  async create(tenantId: string, input: { url: string; format: AdvisoryFeedFormat }): Promise<AdvisoryFeed> {
    const url = this.checkUrl(input.url);
    return this.database.run(async (manager) => {
      if ((await this.feeds.count(manager, tenantId)) >= MAX_ADVISORY_FEEDS)
        throw new ConflictProblem(`a tenant registers at most ${MAX_ADVISORY_FEEDS} advisory feeds`);
      const created = await this.feeds.insert(manager, tenantId, { id: newId(), url, format: input.format, createdBy: requestPrincipal() });
      if (!created) throw new ConflictProblem(`the ${input.format} feed ${url} is already registered`);
      await audit(manager, tenantId, {
        action: 'advisory_feed.created',
        targetType: 'advisory_feed',
        targetId: created.id,
        changes: { url, format: input.format },
      });
      return created;
    }, tenantId);
  }

  list(tenantId: string): Promise<AdvisoryFeed[]> {
    return this.database.run((manager) => this.feeds.list(manager, tenantId), tenantId);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted =
      isUuid(id) &&
      (await this.database.run(async (manager) => {
        const gone = await this.feeds.delete(manager, tenantId, id);
        if (gone) await audit(manager, tenantId, { action: 'advisory_feed.deleted', targetType: 'advisory_feed', targetId: id, changes: {} });
        return gone;
      }, tenantId));
    if (!deleted) throw new NotFoundProblem(`Advisory feed ${id}`);
  }

  private checkUrl(url: string): string {
    try {
      return checkOutboundUrl(url, { allowPrivate: this.config.webhookAllowPrivate }).toString();
    } catch (error) {
      if (error instanceof UnsafeTargetError)
        throw new ProblemException(422, 'The feed URL cannot be used', { errors: [{ field: 'url', message: error.reason }] });
      throw error;
    }
  }
}
