import { newId, TenantDatabase } from '@assay/shared/database';
import { ConflictProblem, NotFoundProblem, ProblemException } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AssessmentDirectoryRepository, OPEN_ASSESSMENT_STATUSES } from '../assessments/assessment-directory.repository';
import type { AcceptedEvidence, EvidenceValidityDto, PortalEvidenceFieldsDto, UploadEvidenceFieldsDto, UrlEvidenceDto } from '../evidence/evidence.dto';
import { EvidenceForIngestion, EvidenceRepository, NewEvidence } from '../evidence/evidence.repository';
import { audit, emit, requestPrincipal } from '../evidence-writes';
import { EvidenceQueue } from '../ingestion/evidence-queue';
import { InquiriesRepository } from '../inquiries/inquiries.repository';
import { AdvisoryMatchingService } from '../advisories/advisory-matching.service';
import { BLOB_STORAGE, BlobStorage, StagedBlob, blobKey } from '../storage/blob-storage';
import { SupplierDirectoryRepository } from '../suppliers/supplier-directory.repository';
import { caughtUp, knownOrLater, settledOrLater } from './catch-up';

/** Discards and refuses an upload cut at the size limit (413) or empty (400). */
export async function refuseUnusableUpload(storage: BlobStorage, staged: StagedBlob, maxBytes: number): Promise<void> {
  if (staged.tooLarge) {
    await storage.discard(staged);
    throw new ProblemException(413, `The file is larger than the limit of ${maxBytes} bytes`);
  }
  if (staged.size === 0) {
    await storage.discard(staged);
    throw new ProblemException(400, 'The file is empty', { errors: [{ field: 'file', message: 'empty' }] });
  }
}

/**
 * Resolves, inside the intake transaction, what the evidence is bound to (and refuses what may not
 * receive it). While `mayWait`, a record not heard of yet (see `caughtUp`) asks for the transaction
 * to be made again a moment later instead of refusing.
 */
type Binding = (manager: EntityManager, mayWait: boolean) => Promise<UploadEvidenceFieldsDto>;
/** What else the intake transaction does once the evidence is recorded (a renewal supersedes the old piece). */
type Recorded = (manager: EntityManager, evidence: EvidenceForIngestion, created: boolean) => Promise<void>;
const NOTHING_MORE: Recorded = async () => undefined;

/** Who renews which piece of evidence: a renewal link's evidence and contact. */
export interface RenewalScope {
  evidenceId: string;
  contactId: string;
}

/** Who answers which inquiry with a VEX: an inquiry link's inquiry and contact. */
export interface InquiryScope {
  inquiryId: string;
  contactId: string;
}

/** Accepts evidence: checks the supplier, keeps the bytes once per tenant, records it and queues its ingestion. */
@Injectable()
export class EvidenceIntakeService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly evidence: EvidenceRepository,
    private readonly suppliers: SupplierDirectoryRepository,
    private readonly assessments: AssessmentDirectoryRepository,
    private readonly queue: EvidenceQueue,
    private readonly inquiries: InquiriesRepository,
    private readonly matching: AdvisoryMatchingService,
    @Inject(BLOB_STORAGE) private readonly storage: BlobStorage,
  ) {}

  private async requireSupplier(manager: EntityManager, tenantId: string, supplierId: string, mayWait: boolean): Promise<void> {
    const supplier = knownOrLater(supplierId, await this.suppliers.find(manager, tenantId, supplierId), mayWait);
    if (!supplier) throw new NotFoundProblem(`Supplier ${supplierId}`);
    if (supplier.status === 'offboarded') throw new ConflictProblem(`Supplier ${supplierId} is offboarded`);
  }

  /** The fields of evidence a supplier submits through the portal: bound to the token's assessment, which must be open. */
  private portalBinding(tenantId: string, assessmentId: string, fields: PortalEvidenceFieldsDto): Binding {
    return async (manager, mayWait) => {
      // A portal link is issued when its assessment is sent: still a draft here, the assessment's
      // sending has not reached this service yet (the email can be quicker), so it is looked at again.
      const assessment = settledOrLater(
        knownOrLater(assessmentId, await this.assessments.find(manager, tenantId, assessmentId), mayWait),
        (found) => found.status !== 'draft',
        `the sending of assessment ${assessmentId}`,
        mayWait,
      );
      if (!assessment) throw new NotFoundProblem(`Assessment ${assessmentId}`);
      if (!OPEN_ASSESSMENT_STATUSES.includes(assessment.status))
        throw new ConflictProblem(`Assessment ${assessmentId} is ${assessment.status}: it no longer accepts evidence`);
      await this.requireSupplier(manager, tenantId, assessment.supplierId, mayWait);
      return { ...fields, supplierId: assessment.supplierId, productId: assessment.productId ?? undefined, assessmentId: assessment.id };
    };
  }

  /**
   * The fields of evidence a customer submits: the supplier must be the tenant's, and an assessment
   * named with it must be the tenant's assessment of that supplier (and of the product, when both
   * name one), so evidence can never point at another tenant's records. A completed assessment accepts
   * none (409): its record is final.
   */
  private customerBinding(tenantId: string, fields: UploadEvidenceFieldsDto): Binding {
    return async (manager, mayWait) => {
      await this.requireSupplier(manager, tenantId, fields.supplierId, mayWait);
      if (fields.assessmentId) {
        const assessmentId = fields.assessmentId;
        const assessment = knownOrLater(assessmentId, await this.assessments.find(manager, tenantId, assessmentId), mayWait);
        if (!assessment) throw new NotFoundProblem(`Assessment ${fields.assessmentId}`);
        if (assessment.supplierId !== fields.supplierId)
          throw new ProblemException(400, `Assessment ${fields.assessmentId} is not an assessment of supplier ${fields.supplierId}`);
        // A completed assessment is a frozen record: nothing new may name it.
        if (assessment.status === 'completed')
          throw new ConflictProblem(`Assessment ${fields.assessmentId} is completed: its record is final and accepts no evidence`);
        if (fields.productId && assessment.productId && assessment.productId !== fields.productId) {
          throw new ProblemException(400, `Assessment ${fields.assessmentId} is not an assessment of product ${fields.productId}`);
        }
        return { ...fields, productId: fields.productId ?? assessment.productId ?? undefined };
      }
      return fields;
    };
  }

  /**
   * The fields of a replacement uploaded through a renewal link: the supplier, product and claims of
   * the evidence it replaces (no assessment: its checks feed every open assessment of the supplier),
   * which must be expiring or expired, processed, and not renewed already.
   */
  private renewalBinding(tenantId: string, scope: RenewalScope, fields: EvidenceValidityDto): Binding {
    return async (manager, mayWait) => {
      const found = await this.evidence.forRenewal(manager, tenantId, scope.evidenceId);
      if (!found) throw new NotFoundProblem(`Evidence ${scope.evidenceId}`);
      const old = found.evidence;
      if (old.status === 'superseded') throw new ConflictProblem(`Evidence ${old.id} was already renewed by evidence ${old.supersededBy}`);
      if (old.status !== 'processed') throw new ConflictProblem(`Evidence ${old.id} is ${old.status}: only processed evidence can be renewed`);
      if (!found.due)
        throw new ConflictProblem(
          `Evidence ${old.id} is not expiring: it is valid ${old.validUntil ? `until ${old.validUntil}` : 'with no end date'}; renewal opens when its expiry notice is due`,
        );
      await this.requireSupplier(manager, tenantId, old.supplierId, mayWait);
      return {
        ...fields,
        title: fields.title ?? old.title ?? undefined,
        supplierId: old.supplierId,
        productId: old.productId ?? undefined,
        claimIds: old.claimIds,
        kind: old.kind ?? undefined,
      };
    };
  }

  /** The replacement supersedes the old piece, in the intake transaction, and `evidence.renewed` says so. */
  private renewal(tenantId: string, scope: RenewalScope): Recorded {
    return async (manager, evidence, created) => {
      if (!created || evidence.id === scope.evidenceId)
        throw new ConflictProblem(`This content was submitted before (evidence ${evidence.id}): upload the renewed document`);
      await this.evidence.supersede(manager, tenantId, scope.evidenceId, evidence.id);
      await audit(manager, tenantId, {
        action: 'evidence.renewed',
        targetType: 'evidence',
        targetId: scope.evidenceId,
        changes: { supersededBy: evidence.id, contactId: scope.contactId },
      });
      await emit(manager, tenantId, 'evidence.renewed', {
        evidenceId: evidence.id,
        supersedes: scope.evidenceId,
        supplierId: evidence.supplierId,
        kind: evidence.kind ?? evidence.kindHint,
        title: evidence.title,
        contactId: scope.contactId,
      });
    };
  }

  /**
   * The fields of a VEX uploaded through an inquiry link: the supplier's evidence of kind `vex`, bound
   * to no assessment (VEX speaks for the supplier), titled after the vulnerability it answers.
   */
  private inquiryBinding(tenantId: string, scope: InquiryScope): Binding {
    return async (manager, mayWait) => {
      const inquiry = await this.inquiries.find(manager, tenantId, scope.inquiryId);
      if (!inquiry) throw new NotFoundProblem('Inquiry');
      await this.requireSupplier(manager, tenantId, inquiry.supplierId, mayWait);
      return { supplierId: inquiry.supplierId, kind: 'vex', title: `VEX about ${inquiry.externalIds.join(', ')}`.slice(0, 200) };
    };
  }

  /**
   * A VEX uploaded through an inquiry link: kept as the supplier's VEX evidence and queued for the
   * worker, which answers the inquiry from it once read (see InquiriesService.settleVexUploads). The
   * same content uploaded again is the same evidence: when it was read already, it is matched again
   * at once so the new upload settles too.
   */
  async acceptInquiryVexUpload(
    tenantId: string,
    scope: InquiryScope,
    staged: StagedBlob,
    filename: string | null,
    maxBytes: number,
  ): Promise<AcceptedEvidence> {
    const upload = { added: false };
    const accepted = await this.keepUpload(tenantId, this.inquiryBinding(tenantId, scope), staged, filename, maxBytes, async (manager, evidence) => {
      upload.added = await this.inquiries.addVexUpload(manager, tenantId, {
        id: newId(),
        inquiryId: scope.inquiryId,
        evidenceId: evidence.id,
        contactId: scope.contactId,
      });
    });
    if (upload.added && accepted.status === 'processed') {
      const evidence = await this.database.run((manager) => this.evidence.find(manager, tenantId, accepted.id), tenantId);
      if (evidence?.kind === 'vex' && evidence.sha256)
        await this.matching.matchVex(tenantId, { id: evidence.id, supplierId: evidence.supplierId, sha256: evidence.sha256 });
    }
    return accepted;
  }

  /** An upload already staged in storage: kept (once per tenant) or discarded. */
  async acceptUpload(
    tenantId: string,
    fields: UploadEvidenceFieldsDto,
    staged: StagedBlob,
    filename: string | null,
    maxBytes: number,
  ): Promise<AcceptedEvidence> {
    return this.keepUpload(tenantId, this.customerBinding(tenantId, fields), staged, filename, maxBytes);
  }

  /** An upload through the supplier portal, for the token's assessment. */
  async acceptPortalUpload(
    tenantId: string,
    assessmentId: string,
    fields: PortalEvidenceFieldsDto,
    staged: StagedBlob,
    filename: string | null,
    maxBytes: number,
  ): Promise<AcceptedEvidence> {
    return this.keepUpload(tenantId, this.portalBinding(tenantId, assessmentId, fields), staged, filename, maxBytes);
  }

  /** A replacement uploaded through a renewal link. */
  async acceptRenewalUpload(
    tenantId: string,
    scope: RenewalScope,
    fields: EvidenceValidityDto,
    staged: StagedBlob,
    filename: string | null,
    maxBytes: number,
  ): Promise<AcceptedEvidence> {
    return this.keepUpload(tenantId, this.renewalBinding(tenantId, scope, fields), staged, filename, maxBytes, this.renewal(tenantId, scope));
  }

  /** A replacement the worker fetches from a URL, through a renewal link. */
  async acceptRenewalUrl(tenantId: string, scope: RenewalScope, body: EvidenceValidityDto & { url: string }): Promise<AcceptedEvidence> {
    return this.keepUrl(tenantId, this.renewalBinding(tenantId, scope, body), body.url, this.renewal(tenantId, scope));
  }

  /** A unit of work of the intake, made again a moment later (outside it) while its binding is catching up with an event. */
  private bound<T>(tenantId: string, work: (manager: EntityManager, mayWait: boolean) => Promise<T>): Promise<T> {
    return caughtUp((mayWait) => this.database.run((manager) => work(manager, mayWait), tenantId));
  }

  private async keepUpload(
    tenantId: string,
    bind: Binding,
    staged: StagedBlob,
    filename: string | null,
    maxBytes: number,
    then: Recorded = NOTHING_MORE,
  ): Promise<AcceptedEvidence> {
    await refuseUnusableUpload(this.storage, staged, maxBytes);
    const key = blobKey(tenantId, staged.sha256);
    let kept = false;
    try {
      // The blob store is never called inside a transaction: a slow store would hold a pooled
      // connection for each upload and a burst of uploads would starve the service's pool. Content
      // this tenant has not stored yet is committed between a first transaction, which checks the
      // binding (a refused upload stores nothing) and finds the content new, and a second that records
      // it. Content-addressed: committing the same bytes twice is harmless, so the blob may precede its row.
      let recorded: { evidence: EvidenceForIngestion; created: boolean } | null = null;
      while (!recorded) {
        recorded = await this.bound(tenantId, async (manager, mayWait) => {
          const fields = await bind(manager, mayWait);
          if (kept) await this.evidence.addBlob(manager, tenantId, newId(), staged.sha256, staged.size, key);
          else if ((await this.evidence.blobKey(manager, tenantId, staged.sha256)) === null) return null;
          const result = await this.record(manager, tenantId, {
            ...this.common(fields),
            source: 'upload',
            url: null,
            filename,
            sha256: staged.sha256,
            size: staged.size,
          });
          await then(manager, result.evidence, result.created);
          return result;
        });
        if (!recorded) {
          await this.storage.commit(staged, key);
          kept = true;
        }
      }
      const { evidence, created } = recorded;
      if (created || evidence.status === 'pending') await this.queue.enqueue(tenantId, evidence.id);
      return { id: evidence.id, status: evidence.status, sha256: evidence.sha256, size: evidence.size };
    } finally {
      if (!kept) await this.storage.discard(staged);
    }
  }

  async acceptUrl(tenantId: string, body: UrlEvidenceDto): Promise<AcceptedEvidence> {
    return this.keepUrl(tenantId, this.customerBinding(tenantId, body), body.url);
  }

  async acceptPortalUrl(tenantId: string, assessmentId: string, body: PortalEvidenceFieldsDto & { url: string }): Promise<AcceptedEvidence> {
    return this.keepUrl(tenantId, this.portalBinding(tenantId, assessmentId, body), body.url);
  }

  private async keepUrl(tenantId: string, bind: Binding, url: string, then: Recorded = NOTHING_MORE): Promise<AcceptedEvidence> {
    const { evidence } = await this.bound(tenantId, async (manager, mayWait) => {
      const body = await bind(manager, mayWait);
      const result = await this.record(manager, tenantId, { ...this.common(body), source: 'url', url, filename: null, sha256: null, size: null });
      await then(manager, result.evidence, result.created);
      return result;
    });
    await this.queue.enqueue(tenantId, evidence.id);
    return { id: evidence.id, status: evidence.status, sha256: null, size: null };
  }

  private common(
    fields: UploadEvidenceFieldsDto,
  ): Pick<
    NewEvidence,
    'id' | 'supplierId' | 'productId' | 'assessmentId' | 'claimIds' | 'kindHint' | 'uploadedBy' | 'validFrom' | 'declaredValidUntil' | 'title'
  > {
    return {
      id: newId(),
      supplierId: fields.supplierId,
      productId: fields.productId ?? null,
      assessmentId: fields.assessmentId ?? null,
      claimIds: [...new Set(fields.claimIds ?? [])],
      kindHint: fields.kind ?? null,
      uploadedBy: requestPrincipal(),
      validFrom: fields.validFrom ?? null,
      declaredValidUntil: fields.validUntil ?? null,
      title: fields.title ?? null,
    };
  }

  private async record(manager: EntityManager, tenantId: string, input: NewEvidence): Promise<{ evidence: EvidenceForIngestion; created: boolean }> {
    const result = await this.evidence.insert(manager, tenantId, input);
    if (result.created) {
      await audit(manager, tenantId, {
        action: 'evidence.submitted',
        targetType: 'evidence',
        targetId: result.evidence.id,
        changes: {
          supplierId: input.supplierId,
          source: input.source,
          sha256: input.sha256,
          size: input.size,
          url: input.url,
          claimIds: input.claimIds,
          validFrom: input.validFrom,
          validUntil: input.declaredValidUntil,
          title: input.title,
        },
      });
    }
    return result;
  }
}
