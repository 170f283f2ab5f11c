import type { DomainEvent } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable, Logger } from '@nestjs/common';
import { AssessmentsRepository } from '../assessments/assessments.repository';
import { CheckResultsRepository } from './check-results.repository';
import { EvidenceDigestsRepository } from './evidence-digests.repository';

/**
 * Automated check results from the evidence service, kept per assessment and claim: an event naming
 * an assessment feeds that one, otherwise every open assessment of the supplier; a completed
 * assessment is frozen and receives none, and evidence superseded through a renewal feeds none (the
 * replacement's checks stand). Replays change nothing; an older event never overwrites a newer result. The evidence's kind, SHA-256 and validity are kept for the report and attestations.
 */
@Injectable()
export class CheckResultsService {
  private readonly logger = new Logger(CheckResultsService.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly assessments: AssessmentsRepository,
    private readonly checkResults: CheckResultsRepository,
    private readonly digests: EvidenceDigestsRepository,
  ) {}

  async record(event: DomainEvent<'evidence.processed'>): Promise<void> {
    const data = event.data;
    const checks = data.checks;
    await this.database.run(async (m) => {
      if (data.sha256) {
        const digest = { id: data.evidenceId, supplierId: data.supplierId, kind: data.kind, sha256: data.sha256, validUntil: data.validUntil ?? null };
        await this.digests.upsert(m, event.tenantId, { ...digest, eventAt: event.timestamp });
      }
      // Renewed evidence: its replacement's checks stand, whatever of the old piece arrives late or again.
      if (await this.digests.isSuperseded(m, event.tenantId, data.evidenceId)) {
        this.logger.log(`evidence ${data.evidenceId} was superseded: its checks are not recorded`);
        return;
      }
      const assessments = await this.assessments.checkTargets(m, event.tenantId, data.supplierId, data.assessmentId ?? null);
      for (const assessment of assessments) {
        for (const check of checks) {
          for (const claimId of new Set(check.claimIds)) {
            if (!assessment.claim_ids.includes(claimId)) continue;
            await this.checkResults.upsert(m, event.tenantId, {
              assessmentId: assessment.id,
              claimId,
              evidenceId: data.evidenceId,
              checkKey: check.key,
              result: check.result,
              detail: check.detail.slice(0, 2000),
              evidenceKind: data.kind,
              validUntil: data.validUntil ?? null,
              eventId: event.id,
              eventAt: event.timestamp,
            });
          }
        }
      }
    }, event.tenantId);
  }

  /** A customer moved the evidence's validity date: the digest and the check dates of open assessments follow. */
  async followValidity(event: DomainEvent<'evidence.validity_changed'>): Promise<void> {
    const { evidenceId, validUntil } = event.data;
    await this.database.run(async (m) => {
      await this.digests.moveValidity(m, event.tenantId, evidenceId, validUntil, event.timestamp);
      await this.checkResults.moveValidity(m, event.tenantId, evidenceId, validUntil, event.timestamp);
    }, event.tenantId);
  }
}
