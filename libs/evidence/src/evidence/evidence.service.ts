import { clock } from '@assay/shared/clock';
import { TenantDatabase } from '@assay/shared/database';
import { NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Injectable } from '@nestjs/common';
import { AssessmentDirectoryRepository } from '../assessments/assessment-directory.repository';
import { audit, emit } from '../evidence-writes';
import { SupplierDirectoryRepository } from '../suppliers/supplier-directory.repository';
import { Evidence, EvidenceChanges, EvidenceFilter, EvidenceForIngestion, EvidenceRepository } from './evidence.repository';

/** Evidence as the API shows it (without the worker's bookkeeping). */
export function view(evidence: EvidenceForIngestion): Evidence {
  const { kindHint: _hint, attempts: _attempts, ...rest } = evidence;
  return rest;
}

/** What a renewal link shows: the evidence to renew, its supplier, and where the renewal stands. */
export interface RenewalView {
  supplier: { id: string; name: string | null };
  evidence: Pick<Evidence, 'id' | 'kind' | 'title' | 'filename' | 'url' | 'sha256' | 'claimIds' | 'validFrom' | 'validUntil' | 'status' | 'supersededBy'>;
  /** `expiring` / `expired`: a replacement may be uploaded; `renewed`: it was (see `evidence.supersededBy`); `current`: nothing to renew yet. */
  renewal: 'expiring' | 'expired' | 'renewed' | 'current';
}

/** Reading a tenant's evidence (REST, GraphQL and the supplier portal), each read in one transaction. */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly evidence: EvidenceRepository,
    private readonly assessments: AssessmentDirectoryRepository,
    private readonly suppliers: SupplierDirectoryRepository,
  ) {}

  async find(tenantId: string, id: string): Promise<Evidence | null> {
    const found = await this.database.read((manager) => this.evidence.find(manager, tenantId, id), tenantId);
    return found ? view(found) : null;
  }

  /**
   * A customer's change to the validity or title of a piece of evidence, audited. A `validUntil`
   * before the evidence's `validFrom` is refused and nothing changes.
   */
  async update(tenantId: string, id: string, changes: EvidenceChanges): Promise<Evidence> {
    const updated = await this.database.run(async (manager) => {
      const current = await this.evidence.find(manager, tenantId, id);
      if (!current) throw new NotFoundProblem(`Evidence ${id}`);
      if (changes.validUntil && current.validFrom && Date.parse(changes.validUntil) < Date.parse(current.validFrom))
        throw new ProblemException(400, `validUntil must not be before the evidence's validFrom (${current.validFrom})`, {
          errors: [{ field: 'validUntil', message: 'must not be before validFrom' }],
        });
      const after = await this.evidence.update(manager, tenantId, id, changes);
      if (!after) throw new NotFoundProblem(`Evidence ${id}`);
      await audit(manager, tenantId, { action: 'evidence.updated', targetType: 'evidence', targetId: id, changes: { ...changes } });
      // What the assessments service derived from the old date (check dates, the report) follows the new one.
      if (after.validUntil !== current.validUntil)
        await emit(manager, tenantId, 'evidence.validity_changed', { evidenceId: id, supplierId: after.supplierId, validUntil: after.validUntil });
      return after;
    }, tenantId);
    return view(updated);
  }

  /** Newest first, keyset on the id (`beforeId` excluded). */
  async list(tenantId: string, filter: EvidenceFilter, limit: number, beforeId: string | null): Promise<Evidence[]> {
    const rows = await this.database.read((manager) => this.evidence.list(manager, tenantId, filter, limit, beforeId), tenantId);
    return rows.map(view);
  }

  /** The evidence a renewal link is for, as the supplier sees it. */
  async forRenewal(tenantId: string, evidenceId: string): Promise<RenewalView> {
    return this.database.run(async (manager) => {
      const found = await this.evidence.forRenewal(manager, tenantId, evidenceId);
      if (!found) throw new NotFoundProblem(`Evidence ${evidenceId}`);
      const e = found.evidence;
      const supplier = await this.suppliers.find(manager, tenantId, e.supplierId);
      const expired = e.validUntil !== null && Date.parse(e.validUntil) <= clock.nowMs();
      const renewal = e.status === 'superseded' ? 'renewed' : !found.due ? 'current' : expired ? 'expired' : 'expiring';
      return {
        supplier: { id: e.supplierId, name: supplier?.name ?? null },
        evidence: {
          id: e.id,
          kind: e.kind,
          title: e.title,
          filename: e.filename,
          url: e.url,
          sha256: e.sha256,
          claimIds: e.claimIds,
          validFrom: e.validFrom,
          validUntil: e.validUntil,
          status: e.status,
          supersededBy: e.supersededBy,
        },
        renewal,
      };
    }, tenantId);
  }

  /** Where the bytes of the tenant's content with this digest are stored (null when they are not). */
  contentKey(tenantId: string, sha256: string): Promise<string | null> {
    return this.database.read((manager) => this.evidence.blobKey(manager, tenantId, sha256), tenantId);
  }

  /** What the portal shows for an assessment: its evidence, and the supplier's evidence named in `ids`. */
  async forPortal(tenantId: string, assessmentId: string, ids: string[], limit: number): Promise<Evidence[]> {
    const rows = await this.database.run(async (manager) => {
      const assessment = await this.assessments.find(manager, tenantId, assessmentId);
      return assessment ? this.evidence.forPortal(manager, tenantId, assessment.supplierId, assessment.id, ids, limit) : [];
    }, tenantId);
    return rows.map(view);
  }

  /** The newest evidence (up to `perParent` each) of several suppliers or assessments. */
  async forParents(tenantId: string, parent: 'supplier' | 'assessment', ids: string[], perParent: number): Promise<Evidence[]> {
    const rows = await this.database.read((manager) => this.evidence.forParents(manager, tenantId, parent, ids, perParent), tenantId);
    return rows.map(view);
  }
}
