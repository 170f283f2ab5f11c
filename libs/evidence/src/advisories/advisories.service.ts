import { TenantDatabase, newId } from '@assay/shared/database';
import { ProblemException } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { audit, requestPrincipal } from '../evidence-writes';
import { refuseUnusableUpload } from '../intake/evidence-intake.service';
import { BLOB_STORAGE, BlobStorage, StagedBlob, blobKey } from '../storage/blob-storage';
import { AdvisoriesRepository, Advisory, AdvisoryImport, AdvisorySummary } from './advisories.repository';
import type { AcceptedAdvisoryDocument } from './advisories.dto';
import { AdvisoryExposuresRepository, Exposure } from './advisory-exposures.repository';
import { looksLikeAdvisoryDocument } from './advisory-documents';
import { AdvisoryQueue } from './advisory-queue';

/** Advisory intake (documents kept, then read by the worker) and the tenant's advisories. */
@Injectable()
export class AdvisoriesService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly advisories: AdvisoriesRepository,
    private readonly evidence: EvidenceRepository,
    private readonly exposures: AdvisoryExposuresRepository,
    private readonly queue: AdvisoryQueue,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  /** A JSON body: kept as its canonical serialisation. */
  async acceptJson(tenantId: string, body: unknown, maxBytes: number): Promise<AcceptedAdvisoryDocument> {
    if (!looksLikeAdvisoryDocument(body))
      throw new ProblemException(400, 'Not an advisory: send an OSV record (or a JSON array of them), a CSAF 2.0 document or the CISA KEV catalogue', {
        errors: [
          {
            field: 'body',
            message: 'an OSV record has `id` and `modified`, CSAF `document.csaf_version`, the KEV catalogue `catalogVersion` and `vulnerabilities`',
          },
        ],
      });
    const bytes = Buffer.from(JSON.stringify(body), 'utf8');
    return this.accept(tenantId, await this.storage.stage(Readable.from([bytes]), maxBytes), maxBytes);
  }

  /** A document staged in storage (a multipart upload): kept once per tenant, recorded and queued for the worker. */
  async accept(tenantId: string, staged: StagedBlob, maxBytes: number): Promise<AcceptedAdvisoryDocument> {
    await refuseUnusableUpload(this.storage, staged, maxBytes);
    const key = blobKey(tenantId, staged.sha256);
    const id = newId();
    let kept = false;
    try {
      await this.database.run(async (manager) => {
        if ((await this.evidence.blobKey(manager, tenantId, staged.sha256)) === null) {
          await this.storage.commit(staged, key);
          kept = true;
          await this.evidence.addBlob(manager, tenantId, newId(), staged.sha256, staged.size, key);
        }
        await this.advisories.insertImport(manager, tenantId, { id, sha256: staged.sha256, size: staged.size, submittedBy: requestPrincipal() });
        await audit(manager, tenantId, {
          action: 'advisory.submitted',
          targetType: 'advisory_import',
          targetId: id,
          changes: { sha256: staged.sha256, size: staged.size },
        });
      }, tenantId);
    } finally {
      if (!kept) await this.storage.discard(staged);
    }
    await this.queue.enqueue(tenantId, id);
    return { id, status: 'pending' };
  }

  list(tenantId: string, filter: { q?: string; kev?: boolean }, limit: number, after: { modified: string; id: string } | null): Promise<AdvisorySummary[]> {
    return this.database.run((manager) => this.advisories.list(manager, tenantId, filter, limit, after), tenantId);
  }

  find(tenantId: string, id: string): Promise<Advisory | null> {
    return this.database.run(async (manager) => {
      const advisory = await this.advisories.find(manager, tenantId, id);
      return advisory ? { ...advisory, exposure: await this.exposures.exposureOf(manager, tenantId, id) } : null;
    }, tenantId);
  }

  /** Advisories by id with their packages, without the exposure (read on its own, see `exposureOf`). */
  findMany(tenantId: string, ids: string[]): Promise<Omit<Advisory, 'exposure'>[]> {
    return this.database.run((manager) => this.advisories.findMany(manager, tenantId, ids), tenantId);
  }

  /** The exposure of each advisory, in one query. */
  exposureOf(tenantId: string, advisoryIds: string[]): Promise<Map<string, Exposure[]>> {
    return this.database.run((manager) => this.exposures.exposureOfAdvisories(manager, tenantId, advisoryIds), tenantId);
  }

  /** The advisories naming a component of each supplier, newest first, at most `perSupplier` each. */
  ofSuppliers(tenantId: string, supplierIds: string[], perSupplier: number): Promise<Map<string, Omit<Advisory, 'exposure'>[]>> {
    return this.database.run(async (manager) => {
      const idsBySupplier = await this.exposures.advisoryIdsOfSuppliers(manager, tenantId, supplierIds, perSupplier);
      const advisories = new Map((await this.advisories.findMany(manager, tenantId, [...new Set([...idsBySupplier.values()].flat())])).map((a) => [a.id, a]));
      return new Map(
        [...idsBySupplier].map(([supplierId, ids]) => [supplierId, ids.flatMap((id) => advisories.get(id) ?? [])] as [string, Omit<Advisory, 'exposure'>[]]),
      );
    }, tenantId);
  }

  findImport(tenantId: string, id: string): Promise<AdvisoryImport | null> {
    return this.database.run((manager) => this.advisories.findImport(manager, tenantId, id), tenantId);
  }
}
