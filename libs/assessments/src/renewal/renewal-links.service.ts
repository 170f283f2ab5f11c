import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { audit, emit } from '../assessments-writes';
import { PortalTokensRepository } from '../portal/portal-tokens.repository';
import { PortalTokensService } from '../portal/portal-tokens.service';
import { RenewalLinksRepository } from './renewal-links.repository';

/**
 * Renewal without a new assessment: when supplier evidence is expiring (or has expired unannounced),
 * each of the supplier's contacts who received an assessment link gets a renewal link scoped to that
 * evidence, by email (`evidence.renewal_requested` carries the sealed links to notifications). When
 * the supplier uploads the replacement (`evidence.renewed`), the renewal links of the old evidence are
 * revoked and open assessments follow the new evidence.
 */
@Injectable()
export class RenewalLinksService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly portalTokens: PortalTokensService,
    private readonly tokens: PortalTokensRepository,
    private readonly renewals: RenewalLinksRepository,
  ) {}

  async requestRenewal(event: DomainEvent<'evidence.expiring' | 'evidence.expired'>): Promise<void> {
    const tenantId = event.tenantId;
    const data = event.data;
    await this.database.run(async (m) => {
      const contacts = await this.renewals.recipients(m, tenantId, data.supplierId, data.evidenceId);
      if (!contacts.length) return;
      const recipients = await this.portalTokens.issueScoped(
        m,
        tenantId,
        contacts,
        { link: 'renewal', evidenceId: data.evidenceId, validUntil: new Date(data.validUntil) },
        { evidenceId: data.evidenceId },
      );
      await emit(m, tenantId, 'evidence.renewal_requested', { ...data, recipients });
    }, tenantId);
  }

  async followRenewal(event: DomainEvent<'evidence.renewed'>): Promise<void> {
    const tenantId = event.tenantId;
    const data = event.data;
    await this.database.run(async (m) => {
      const revoked = await this.tokens.revokeRenewalLinks(m, tenantId, data.supersedes);
      await this.renewals.followReplacement(m, tenantId, data.supplierId, data.supersedes, data.evidenceId);
      if (revoked.length)
        await audit(m, tenantId, {
          action: 'portal_link.revoked',
          targetType: 'evidence',
          targetId: data.supersedes,
          changes: { link: 'renewal', portalLinkIds: revoked, renewedBy: data.evidenceId },
        });
    }, tenantId);
  }
}
