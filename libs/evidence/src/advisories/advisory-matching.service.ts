import { OutboxEntry, TenantDatabase } from '@assay/shared/database';
import { Injectable } from '@nestjs/common';
import { PackageURL } from 'packageurl-js';
import type { EntityManager } from 'typeorm';
import { EvidenceRepository } from '../evidence/evidence.repository';
import { emitAll } from '../evidence-writes';
import { InquiryAnswersService } from '../inquiries/inquiry-answers.service';
import { cycloneDxXmlBom } from '../parsing/cyclonedx.parser';
import { EvidenceParseError, UnsupportedEvidenceError, decodeUtf8 } from '../parsing/parse-result';
import { parseUntrustedJson } from '../parsing/untrusted-json';
import { EvidenceDocuments } from '../storage/evidence-documents';
import { AdvisoryExposuresRepository, MatchableComponent, MatchablePackage, NewExposure, matchingLock } from './advisory-exposures.repository';
import { RangeStatus, versionStatus } from './version-ranges';
import { VexStatement, vexStatements } from './vex-statements';

const STATUS_ORDER: readonly RangeStatus[] = ['affected', 'under_investigation', 'not_affected', 'fixed'];

/** The purl type of a versionless purl (its ecosystem), or null when it cannot be read. */
function purlTypeOf(purl: string): string | null {
  try {
    return PackageURL.fromString(purl).type;
  } catch {
    return null;
  }
}

/** The advisory's status for one version over every entry it has for the package (affected wins over a fix elsewhere). */
function statusOf(type: string, version: string | null, packages: MatchablePackage[]): RangeStatus | null {
  const verdicts = packages.map((item) => versionStatus(type, item, version).status).filter((status): status is RangeStatus => status !== null);
  return STATUS_ORDER.find((status) => verdicts.includes(status)) ?? null;
}

/**
 * The range-derived exposures of `components` to `packages`. Only the advisories naming a
 * component's package are compared with it (packages grouped by versionless purl, then advisory),
 * each package's ecosystem is read once, and a verdict is worked out once per advisory, ecosystem and version.
 */
function exposures(components: MatchableComponent[], packages: MatchablePackage[]): NewExposure[] {
  const byPurlBase = new Map<string, Map<string, MatchablePackage[]>>();
  for (const item of packages) {
    const byAdvisory = byPurlBase.get(item.purlBase) ?? new Map<string, MatchablePackage[]>();
    byPurlBase.set(item.purlBase, byAdvisory);
    const named = byAdvisory.get(item.advisoryId);
    if (named) named.push(item);
    else byAdvisory.set(item.advisoryId, [item]);
  }
  const verdicts = new Map<string, RangeStatus | null>();
  // The ecosystem is read from the versionless purl (normalised from the same purl at intake, so the
  // two agree), once per package however many versions and pieces of evidence carry it.
  const types = new Map<string, string | null>();
  const rows: NewExposure[] = [];
  for (const component of components) {
    const byAdvisory = byPurlBase.get(component.purlBase);
    if (!byAdvisory) continue;
    let type = types.get(component.purlBase);
    if (type === undefined) {
      type = purlTypeOf(component.purlBase);
      types.set(component.purlBase, type);
    }
    if (type === null) continue;
    for (const [advisoryId, named] of byAdvisory) {
      const key = `${advisoryId} ${component.purlBase} ${type} ${component.version ?? ''}`;
      let status = verdicts.get(key);
      if (status === undefined) {
        status = statusOf(type, component.version, named);
        verdicts.set(key, status);
      }
      if (status)
        rows.push({
          advisoryId,
          evidenceId: component.evidenceId,
          supplierId: component.supplierId,
          productId: component.productId,
          purl: component.purl,
          version: component.version,
          status,
        });
    }
  }
  return rows;
}

/**
 * Matching, both ways: a new or changed advisory against every stored component of the packages it
 * names, and newly processed evidence against every stored advisory naming its packages. Each package
 * is compared with its ecosystem's version semantics (see version-ranges.ts); the range-derived
 * exposures of the advisory (or the evidence) are replaced in the caller's transaction, the supplier's
 * VEX statements and inquiry answers applied to them (an answer wins over a VEX statement), and
 * `advisory.matched` is emitted with the suppliers an advisory newly puts at risk. Matching holds a
 * per-tenant lock and compares with what was stored before, so running it again (a retried job, a
 * worker killed mid-match) announces nothing twice and leaves no exposure out.
 */
@Injectable()
export class AdvisoryMatchingService {
  constructor(
    private readonly database: TenantDatabase,
    private readonly exposures: AdvisoryExposuresRepository,
    private readonly evidence: EvidenceRepository,
    private readonly documents: EvidenceDocuments,
    private readonly inquiryAnswers: InquiryAnswersService,
  ) {}

  /**
   * A new or changed advisory against the stored components, in the caller's transaction. A caller
   * that starts that transaction with the tenant's matching lock (`TenantDatabase.run` with
   * `{ lock: matchingLock(tenantId) }`) saves a round trip; otherwise the lock is taken here. The
   * match's writes wait for the transaction's commit and go in its message (see `matchAndAnnounce`),
   * one round trip less, unless `withCommit` is false: a caller matching several advisories in one
   * transaction defers only the last, so that one match at most is held until the commit. The caller
   * reads none of the exposures back in the same transaction.
   */
  async matchAdvisory(manager: EntityManager, tenantId: string, advisoryId: string, options: { withCommit?: boolean } = {}): Promise<void> {
    if (!this.database.holdsLock(manager, matchingLock(tenantId))) await this.exposures.lockTenant(manager, tenantId);
    const { components, packages } = await this.exposures.candidatesOfAdvisory(manager, tenantId, advisoryId);
    await this.exposures.matchAndAnnounce(manager, tenantId, { advisoryId }, exposures(components, packages), [advisoryId], options);
  }

  /** Newly processed evidence against the stored advisories. */
  async matchEvidence(tenantId: string, evidenceId: string): Promise<{ exposures: number }> {
    return this.database.run(
      async (manager) => {
        const { components, packages } = await this.exposures.candidatesOfEvidence(manager, tenantId, evidenceId);
        const rows = exposures(components, packages);
        const advisoryIds = [...new Set(packages.map((item) => item.advisoryId))];
        await this.exposures.matchAndAnnounce(manager, tenantId, { evidenceId }, rows, advisoryIds);
        return { exposures: rows.length };
      },
      tenantId,
      { lock: matchingLock(tenantId) },
    );
  }

  /** A supplier's VEX evidence, once processed: its statements are kept and applied to the supplier's exposures. */
  async matchVex(tenantId: string, evidence: { id: string; supplierId: string; sha256: string }): Promise<{ statements: number }> {
    const key = await this.database.run((manager) => this.evidence.blobKey(manager, tenantId, evidence.sha256), tenantId);
    if (!key) return { statements: 0 };
    let statements: VexStatement[] = [];
    try {
      const content = await this.documents.read(key);
      // CycloneDX VEX in XML is read through the same mapping to the JSON shape as its evidence.
      const xml = content
        .subarray(0, 1024)
        .toString('utf8')
        .replace(/^\uFEFF/, '')
        .trimStart()
        .startsWith('<');
      statements = vexStatements(xml ? cycloneDxXmlBom(decodeUtf8(content).replace(/^\uFEFF/, '')) : parseUntrustedJson(content));
    } catch (error) {
      // Content the parser already judged (or larger than the evidence size limit): no statements to apply.
      if (!(error instanceof EvidenceParseError || error instanceof UnsupportedEvidenceError)) throw error;
    }
    return this.database.run(
      async (manager) => {
        const advisoryIds = await this.exposures.advisoriesExposing(manager, tenantId, evidence.supplierId);
        const before = await this.exposures.suppliersAtRisk(manager, tenantId, advisoryIds);
        await this.exposures.replaceVexStatements(manager, tenantId, evidence, statements);
        await this.exposures.applyVex(manager, tenantId, { supplierId: evidence.supplierId });
        // A VEX uploaded through an inquiry link answers the inquiry, now that its statements are known.
        await this.inquiryAnswers.settleVexUploads(manager, tenantId, evidence.id);
        await this.announce(manager, tenantId, before, await this.exposures.suppliersAtRisk(manager, tenantId, advisoryIds));
        return { statements: statements.length };
      },
      tenantId,
      { lock: matchingLock(tenantId) },
    );
  }

  /**
   * `advisory.matched` for each advisory that now puts suppliers at risk it did not before, all in one
   * statement: a new supplier's first SBOM can put it at risk from hundreds of advisories at once.
   */
  private async announce(manager: EntityManager, tenantId: string, before: Map<string, Set<string>>, after: Map<string, Set<string>>): Promise<void> {
    const matched: OutboxEntry<'advisory.matched'>[] = [];
    for (const [advisoryId, suppliers] of after) {
      const known = before.get(advisoryId) ?? new Set<string>();
      const added = [...suppliers].filter((supplierId) => !known.has(supplierId)).sort();
      if (added.length > 0) matched.push({ type: 'advisory.matched', data: { advisoryId, supplierIds: added } });
    }
    await emitAll(manager, tenantId, matched);
  }
}
