import { AdvisoryImportPayload } from '@assay/shared/contracts';
import { TenantDatabase } from '@assay/shared/database';
import { Injectable, Logger } from '@nestjs/common';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { EvidenceParseError, UnsupportedEvidenceError } from '../parsing/parse-result';
import { parseUntrustedJson } from '../parsing/untrusted-json';
import { EvidenceDocuments } from '../storage/evidence-documents';
import { AdvisoriesRepository, AdvisoryImportOutcome } from './advisories.repository';
import { ParsedAdvisoryDocument, parseAdvisoryDocument } from './advisory-documents';
import { matchingLock } from './advisory-exposures.repository';
import { AdvisoryMatchingService } from './advisory-matching.service';

/** Attempts (each start counts, including those cut short by a dying worker) before a document is failed. */
export const MAX_IMPORT_ATTEMPTS = 10;

/**
 * Reads one submitted advisory document in the worker: the stored bytes are parsed under the
 * untrusted-JSON guards, recognised (OSV, CSAF, KEV) and written, with the document's outcome, in one
 * transaction. Each advisory is kept once per source and id at its newest `modified`, so the same
 * record version submitted again (or a retried job after a crash) writes nothing twice.
 */
@Injectable()
export class AdvisoryImportService {
  private readonly logger = new Logger(AdvisoryImportService.name);

  constructor(
    private readonly database: TenantDatabase,
    private readonly advisories: AdvisoriesRepository,
    private readonly evidence: EvidenceRepository,
    private readonly matching: AdvisoryMatchingService,
    private readonly documents: EvidenceDocuments,
  ) {}

  async import(payload: AdvisoryImportPayload): Promise<{ outcome: string }> {
    const { tenantId, importId } = payload;
    const started = await this.database.run((manager) => this.advisories.startImport(manager, tenantId, importId), tenantId);
    if (!started) return { outcome: 'already-final' };
    if (started.attempts > MAX_IMPORT_ATTEMPTS) return this.fail(tenantId, importId, `could not be processed in ${MAX_IMPORT_ATTEMPTS} attempts`);

    const key = await this.database.run((manager) => this.evidence.blobKey(manager, tenantId, started.sha256), tenantId);
    if (!key) throw new Error(`content of advisory document ${importId} is missing`);
    let document: ParsedAdvisoryDocument;
    try {
      document = parseAdvisoryDocument(parseUntrustedJson(await this.read(key)));
    } catch (error) {
      if (!(error instanceof EvidenceParseError || error instanceof UnsupportedEvidenceError)) throw error; // storage trouble: retried
      return this.fail(tenantId, importId, error.message);
    }

    // Matching an advisory needs the tenant's matching lock: taken as the transaction starts, it costs no round trip of its own.
    const locking = document.advisories.length > 0 ? { lock: matchingLock(tenantId) } : {};
    return this.database.run(
      async (manager) => {
        const outcome: AdvisoryImportOutcome = { imported: 0, unchanged: 0, rejected: document.rejected.slice(0, 100), advisoryIds: [] };
        if (document.kev.length > 0) {
          await this.advisories.upsertKev(manager, tenantId, document.kev);
          outcome.kevEntries = document.kev.length;
        }
        for (const [index, advisory] of document.advisories.entries()) {
          const stored = await this.advisories.upsertAdvisory(manager, tenantId, importId, advisory);
          if (stored.written) {
            outcome.imported = (outcome.imported ?? 0) + 1;
            // The document's last match goes with the commit; earlier ones run at once, so a large
            // document holds no more than one match until then, and each fails as its own statement.
            await this.matching.matchAdvisory(manager, tenantId, stored.id, { withCommit: index === document.advisories.length - 1 });
          } else outcome.unchanged = (outcome.unchanged ?? 0) + 1;
          if ((outcome.advisoryIds?.length ?? 0) < 1000) outcome.advisoryIds?.push(stored.id);
        }
        await this.advisories.finishImport(manager, tenantId, importId, { status: 'processed', format: document.format, error: null, outcome });
        return { outcome: 'processed' };
      },
      tenantId,
      locking,
    );
  }

  /** The stored document, whole (bounded by the intake limit); a top-level array of OSV records is read as `{ records: [...] }`. */
  private async read(key: string): Promise<Buffer> {
    let content = await this.documents.read(key);
    if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) content = content.subarray(3);
    const first = content.find((byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09);
    return first === 0x5b ? Buffer.concat([Buffer.from('{"records":'), content, Buffer.from('}')]) : content;
  }

  private async fail(tenantId: string, importId: string, error: string): Promise<{ outcome: string }> {
    await this.database.run(
      (manager) => this.advisories.finishImport(manager, tenantId, importId, { status: 'failed', format: null, error, outcome: {} }),
      tenantId,
    );
    this.logger.log(`advisory document ${importId} failed: ${error}`);
    return { outcome: 'failed' };
  }
}
