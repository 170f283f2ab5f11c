import { clock } from '@assay/shared/clock';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { DeclarationStatedEventData, EndOfLifeStatedEventData, EvidenceIngestPayload, EvidenceProcessedEventData } from '@assay/shared/contracts';
import { TenantDatabase, newId } from '@assay/shared/database';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runChecks, vexProductBases } from '../checks/evidence-checks';
import { ComponentsRepository } from '../components/components.repository';
import { SigningKeysRepository } from '../signing-keys/signing-keys.repository';
import { EvidenceForIngestion, EvidenceOutcome, EvidenceRepository } from '../evidence/evidence.repository';
import { emit } from '../evidence-writes';
import { EvidenceParseError, SignatureVerificationError, UnsupportedEvidenceError } from '../parsing/parse-result';
import { BinaryTypeDetector, EvidenceContent, fileTypeDetector, parseEvidence } from '../parsing/evidence-parser';
import { blobKey } from '../storage/blob-storage';
import { EvidenceDocuments } from '../storage/evidence-documents';
import { EvidenceQueue } from './evidence-queue';
import { RejectedEvidence } from './evidence-url-fetch';

const STRANDED_LIMIT = 1_000;
const PENDING_AFTER_MS = 60_000;
/** The largest OpenPGP public key fetched for a signed security.txt. */
const MAX_KEY_BYTES = 256 * 1024;

/** Ingestion attempts (each start counts, including those cut short by a dying worker) before evidence is failed. */
export const MAX_INGEST_ATTEMPTS = 30;

const instant = (value: unknown): string | null => (typeof value === 'string' && value !== 'tba' ? value : null);

/**
 * What processed `end_of_life` evidence attached to a product states for the assessments service to
 * set as the product's end of support: a dated end of security support (not "tba").
 */
function endOfLifeStated(evidence: EvidenceForIngestion, outcome: EvidenceOutcome): EndOfLifeStatedEventData | null {
  const facts = outcome.facts;
  const endOfSupportAt = instant(facts['endOfSupportAt']);
  if (outcome.kind !== 'end_of_life' || !evidence.productId || !endOfSupportAt) return null;
  return {
    evidenceId: evidence.id,
    supplierId: evidence.supplierId,
    productId: evidence.productId,
    format: String(facts['format']),
    endOfSupportAt,
    endOfLifeAt: instant(facts['endOfLifeAt']),
    statedAt: instant(facts['lastUpdated']),
  };
}

/** What a processed supplier declaration attests of the Code, for the assessments service to prefill answers from. */
function declarationStated(evidence: EvidenceForIngestion, outcome: EvidenceOutcome): DeclarationStatedEventData | null {
  const attested = Array.isArray(outcome.facts['codeClaims']) ? (outcome.facts['codeClaims'] as Record<string, unknown>[]) : [];
  if (outcome.kind !== 'declaration' || attested.length === 0) return null;
  return {
    evidenceId: evidence.id,
    supplierId: evidence.supplierId,
    productId: evidence.productId,
    assessmentId: evidence.assessmentId,
    claims: attested.map((claim) => ({
      framework: String(claim['framework']),
      frameworkVersion: String(claim['version']),
      claimId: String(claim['claimId']),
      conformance: typeof claim['conformance'] === 'number' ? Math.max(0, Math.min(1, claim['conformance'])) : null,
      rationale: typeof claim['rationale'] === 'string' ? claim['rationale'] : null,
    })),
  };
}

/**
 * Ingests one piece of evidence: fetches URL evidence through the SSRF guard (redirects re-checked), detects the kind from
 * the content, parses it (streaming JSON: an SBOM's components are written in batches as they are
 * read), runs the checks, and replaces its components and records the outcome with its
 * `evidence.processed` / `evidence.failed` event in one transaction. Re-running it (a retried job
 * after a crash) gives the same result and never duplicates components.
 */
@Injectable()
export class EvidenceIngestionService {
  private readonly logger = new Logger(EvidenceIngestionService.name);
  private readonly detectBinary: BinaryTypeDetector = fileTypeDetector();

  constructor(
    private readonly database: TenantDatabase,
    private readonly evidence: EvidenceRepository,
    private readonly components: ComponentsRepository,
    private readonly signingKeys: SigningKeysRepository,
    private readonly queue: EvidenceQueue,
    private readonly documents: EvidenceDocuments,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async ingest(payload: EvidenceIngestPayload): Promise<{ outcome: string }> {
    const { tenantId, evidenceId } = payload;
    const evidence = await this.database.run((manager) => this.evidence.startProcessing(manager, tenantId, evidenceId), tenantId);
    if (!evidence) return { outcome: 'already-final' };
    // Evidence whose ingestion keeps dying (it takes its worker down, say) ends instead of looping.
    if (evidence.attempts > MAX_INGEST_ATTEMPTS) {
      return this.finish(tenantId, evidence, { status: 'failed', error: `could not be processed in ${MAX_INGEST_ATTEMPTS} attempts` });
    }

    let content: EvidenceContent;
    try {
      content = await this.content(tenantId, evidence);
    } catch (error) {
      if (error instanceof RejectedEvidence) return this.finish(tenantId, evidence, { status: 'rejected', error: error.message });
      throw error; // storage or network trouble: the job is retried
    }

    // Components are written batch by batch while the document streams by, in the transaction that
    // records the outcome: a failure part-way leaves nothing, and a retry starts from a clean slate.
    try {
      return await this.database.run(async (manager) => {
        await this.components.deleteForEvidence(manager, tenantId, evidence.id);
        // Business time: what is expired or currently valid is judged by the clock tests can move.
        const now = clock.now();
        const parsed = await parseEvidence(content, {
          now,
          kindHint: evidence.kindHint,
          sbomMaxAgeDays: this.config.evidence.sbomMaxAgeDays,
          detectBinary: this.detectBinary,
          maxBytes: this.config.evidence.maxBytes,
          onComponents: (batch) => this.components.insert(manager, tenantId, evidence, batch),
          fetchOpenPgpKey: (url) => this.openPgpKey(url),
          signingKeys: () => this.signingKeys.list(manager, tenantId),
        });
        // A VEX is checked against what the supplier ships: its products among the supplier's SBOM components.
        const shippedPackages =
          parsed.kind === 'vex' ? await this.components.shippedBySupplier(manager, tenantId, evidence.supplierId, vexProductBases(parsed.facts)) : undefined;
        const checks = runChecks(parsed, { now, sbomMaxAgeDays: this.config.evidence.sbomMaxAgeDays, productId: evidence.productId, shippedPackages });
        return this.record(manager, tenantId, evidence, {
          status: 'processed',
          kind: parsed.kind,
          mediaType: parsed.mediaType,
          facts: parsed.facts,
          checks,
          validUntil: parsed.validUntil,
        });
      }, tenantId);
    } catch (error) {
      if (!(error instanceof EvidenceParseError || error instanceof UnsupportedEvidenceError)) throw error; // storage or database trouble: retried
      if (error instanceof SignatureVerificationError) {
        // What was read stays on record with its failed signature check; nothing of it counts.
        const { kind, mediaType, facts } = error.parsed;
        const checks = runChecks(error.parsed, { now: clock.now(), sbomMaxAgeDays: this.config.evidence.sbomMaxAgeDays, productId: evidence.productId });
        return this.finish(tenantId, evidence, { status: 'failed', kind, mediaType, facts, checks, error: error.message });
      }
      return this.finish(tenantId, evidence, { status: error instanceof UnsupportedEvidenceError ? 'rejected' : 'failed', error: error.message });
    }
  }

  /**
   * Evidence is recorded first and its ingestion enqueued after the commit; a crash in between would
   * leave it `pending` with no job, and workers dying again and again during one ingestion can leave
   * it `processing` under a job BullMQ failed for stalling. This finds evidence pending a minute
   * after it was accepted (or RECOVERY_AFTER_MS, if shorter) and evidence still processing, and
   * enqueues its ingestion again under the same job id (the evidence id) unless that job is still
   * waiting or running — so nothing is processed twice at once, and ingestion of evidence already
   * final does nothing.
   */
  async requeueStranded(): Promise<{ evidence: number }> {
    const pendingAfterMs = Math.min(PENDING_AFTER_MS, this.config.recoveryAfterMs);
    const stranded = await this.database.runAsSystem((manager) => this.evidence.stranded(manager, pendingAfterMs, STRANDED_LIMIT));
    let enqueued = 0;
    for (const row of stranded) {
      if (await this.queue.enqueueAgain(row.tenantId, row.id)) enqueued += 1;
    }
    return { evidence: enqueued };
  }

  /** Where the worker reads the content from: the stored blob (streamed), or the document fetched from the URL. */
  private async content(tenantId: string, evidence: EvidenceForIngestion): Promise<EvidenceContent> {
    if (evidence.source === 'upload') {
      const key = await this.database.run((manager) => this.evidence.blobKey(manager, tenantId, evidence.sha256 as string), tenantId);
      if (!key) throw new Error(`blob of evidence ${evidence.id} is missing`);
      return () => this.documents.open(key);
    }
    const response = await this.documents.fetch(evidence.url as string, this.documents.maxBytes);
    if (response.status < 200 || response.status > 299) throw new RejectedEvidence(`the URL answered HTTP ${response.status}`);
    if (response.truncated) throw new RejectedEvidence(`the document at the URL is larger than ${this.config.evidence.maxBytes} bytes`);
    const staged = await this.documents.stage(response.body);
    const key = blobKey(tenantId, staged.sha256);
    await this.documents.commit(staged, key);
    await this.database.run(async (manager) => {
      await this.evidence.addBlob(manager, tenantId, newId(), staged.sha256, staged.size, key);
      await this.evidence.setContent(manager, tenantId, evidence.id, staged.sha256, staged.size);
    }, tenantId);
    evidence.sha256 = staged.sha256;
    return response.body;
  }

  /** The OpenPGP key a signed security.txt names, fetched through the SSRF guard (redirects re-checked). */
  private async openPgpKey(url: string): Promise<Uint8Array> {
    const response = await this.documents.fetch(url, MAX_KEY_BYTES);
    if (response.status < 200 || response.status > 299) throw new Error(`HTTP ${response.status}`);
    if (response.truncated) throw new Error(`the key is larger than ${MAX_KEY_BYTES} bytes`);
    return response.body;
  }

  /** Records an outcome reached without parsing (rejected URL, unparseable content) in its own transaction. */
  private async finish(
    tenantId: string,
    evidence: EvidenceForIngestion,
    result: Partial<EvidenceOutcome> & Pick<EvidenceOutcome, 'status'>,
  ): Promise<{ outcome: string }> {
    const outcome = await this.database.run((manager) => this.record(manager, tenantId, evidence, result), tenantId);
    this.logger.log(`evidence ${evidence.id} ${outcome.outcome}: ${result.error ?? ''}`);
    return outcome;
  }

  /** The outcome and its `evidence.processed` / `evidence.failed` event, in the caller's transaction. */
  private async record(
    manager: EntityManager,
    tenantId: string,
    evidence: EvidenceForIngestion,
    result: Partial<EvidenceOutcome> & Pick<EvidenceOutcome, 'status'>,
  ): Promise<{ outcome: string }> {
    const outcome: EvidenceOutcome = { kind: null, mediaType: null, facts: {}, checks: [], validUntil: null, error: null, ...result };
    await this.evidence.finish(manager, tenantId, evidence.id, outcome);
    const data: EvidenceProcessedEventData = {
      evidenceId: evidence.id,
      supplierId: evidence.supplierId,
      productId: evidence.productId,
      assessmentId: evidence.assessmentId,
      claimIds: evidence.claimIds,
      kind: outcome.kind ?? 'other',
      status: outcome.status,
      sha256: evidence.sha256 ?? '',
      validUntil: outcome.validUntil,
      checks: outcome.checks,
      error: outcome.error,
    };
    await emit(manager, tenantId, outcome.status === 'processed' ? 'evidence.processed' : 'evidence.failed', data);
    const endOfLife = outcome.status === 'processed' ? endOfLifeStated(evidence, outcome) : null;
    if (endOfLife) await emit(manager, tenantId, 'evidence.end_of_life_stated', endOfLife);
    const declaration = outcome.status === 'processed' ? declarationStated(evidence, outcome) : null;
    if (declaration) await emit(manager, tenantId, 'evidence.declaration_stated', declaration);
    return { outcome: outcome.status };
  }
}
