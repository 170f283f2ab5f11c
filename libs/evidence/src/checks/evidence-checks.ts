import { PackageURL } from 'packageurl-js';
import type { EvidenceCheck } from '../evidence/evidence-kinds.constant';
import { instantMs } from '../parsing/dates';
import type { ParsedEvidence } from '../parsing/parse-result';

/** The catalogue's evidence checks and the claims each supports (the `checks` section of the UK SSCoP catalogue). */
export const CHECK_CLAIMS: Readonly<Record<string, string[]>> = {
  'sbom.parsed': ['1.2.1'],
  'sbom.has_components': ['1.2.1'],
  'sbom.identifiers': ['1.2.1'],
  'sbom.hashes': ['1.2.2'],
  'sbom.licences': ['1.2.1'],
  'sbom.dependency_graph': ['1.2.1'],
  'sbom.fresh': ['1.2.5', '3.3.1'],
  'sbom.primary_matches_product': ['1.2.1'],
  'security_txt.contact': ['3.2.1', '3.2.2'],
  'security_txt.expires': ['3.2.1'],
  'security_txt.policy': ['3.2.1'],
  'security_txt.encryption': ['3.2.2'],
  'provenance.present': ['3.1.1', '2.2.1'],
  'provenance.builder': ['2.1.3', '3.1.1'],
  'certificate.valid': ['2.1.4'],
  'provenance.signature': ['3.1.1', '3.1.2'],
  'signature.verified': ['3.1.1', '3.1.2'],
  'security_txt.signature': ['3.2.1'],
  'vex.statements': ['3.3.2', '3.4.2'],
  'vex.justified': ['3.3.2'],
  'vex.products_matched': ['3.3.2', '3.4.2'],
  'advisory.published': ['3.4.2'],
  'advisory.identifies_vulnerabilities': ['3.3.1', '3.4.2'],
  'end_of_life.published': ['4.1.1'],
  'end_of_life.notice': ['4.2.1'],
  // A declaration's checks support the claims it attests (named by the Code's requirement bom-refs).
  'declaration.code_requirements': [],
  'declaration.affirmed': [],
  ...Object.fromEntries(Object.values(scorecardThresholds()).map((rule) => [rule.key, rule.claims])),
};

/** Scorecard checks Assay reads, the score (0–10) each needs and the claims it supports. */
function scorecardThresholds(): Record<string, { key: string; min: number; claims: string[] }> {
  const rule = (name: string, min: number, claims: string[]) => [name, { key: `scorecard.${name.toLowerCase()}`, min, claims }] as const;
  return Object.fromEntries([
    rule('Maintained', 5, ['1.1.3']),
    rule('Dependency-Update-Tool', 10, ['1.2.5', '1.1.3']),
    rule('Pinned-Dependencies', 5, ['1.2.2']),
    rule('CI-Tests', 7, ['1.3.2', '1.2.4']),
    rule('SAST', 7, ['1.3.2']),
    rule('Fuzzing', 5, ['1.3.2']),
    rule('Branch-Protection', 5, ['2.2.2', '1.1.4']),
    rule('Code-Review', 7, ['2.2.2']),
    rule('Token-Permissions', 7, ['2.1.3']),
    rule('Dangerous-Workflow', 10, ['2.2.2']),
    rule('Signed-Releases', 7, ['3.1.1']),
    rule('Security-Policy', 10, ['3.2.1']),
    rule('Vulnerabilities', 7, ['3.3.1']),
  ]);
}

const DAY = 86_400_000;

function check(key: string, result: EvidenceCheck['result'], detail: string): EvidenceCheck {
  return { key, claimIds: [...(CHECK_CLAIMS[key] ?? [])], result, detail };
}

const percent = (value: unknown) => `${Math.round(Number(value ?? 0) * 100)}%`;

function sbomChecks(facts: Record<string, unknown>, context: CheckContext): EvidenceCheck[] {
  const shares = (facts['share'] ?? {}) as Record<string, number>;
  const count = Number(facts['componentCount'] ?? 0);
  const createdAt = typeof facts['createdAt'] === 'string' ? instantMs(facts['createdAt']) : null;
  const ageDays = createdAt === null ? null : Math.floor((context.now.getTime() - createdAt) / DAY);
  return [
    check('sbom.parsed', 'pass', `${String(facts['format'])} ${String(facts['specVersion'])} document parsed`),
    check('sbom.has_components', count > 0 ? 'pass' : 'fail', `${count} components`),
    check(
      'sbom.identifiers',
      (shares['identifiers'] ?? 0) >= 0.9 ? 'pass' : 'fail',
      `${percent(shares['identifiers'])} of components carry a purl or CPE (90% needed)`,
    ),
    check(
      'sbom.hashes',
      (shares['hashes'] ?? 0) >= 0.5 ? 'pass' : 'warn',
      `${percent(shares['hashes'])} of components carry a cryptographic hash (50% expected)`,
    ),
    check('sbom.licences', (shares['licences'] ?? 0) >= 0.8 ? 'pass' : 'warn', `${percent(shares['licences'])} of components declare a licence (80% expected)`),
    check(
      'sbom.dependency_graph',
      facts['hasDependencyGraph'] ? 'pass' : 'fail',
      facts['hasDependencyGraph'] ? 'dependency relationships present' : 'no dependency relationships',
    ),
    ageDays === null
      ? check('sbom.fresh', 'warn', 'the SBOM records no creation time')
      : check('sbom.fresh', ageDays <= context.sbomMaxAgeDays ? 'pass' : 'fail', `created ${ageDays} days ago (limit ${context.sbomMaxAgeDays} days)`),
    check(
      'sbom.primary_matches_product',
      'not_applicable',
      context.productId ? 'product names are not known to the evidence service yet' : 'the evidence is not attached to a product',
    ),
  ];
}

function securityTxtChecks(facts: Record<string, unknown>, context: CheckContext): EvidenceCheck[] {
  const contact = (facts['contact'] as string[]) ?? [];
  const validContact = contact.filter((uri) => /^(mailto:|https:|tel:)/i.test(uri));
  const expires = typeof facts['expires'] === 'string' ? instantMs(facts['expires']) : null;
  const problems = Array.isArray(facts['problems']) ? (facts['problems'] as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  const daysLeft = expires === null ? null : Math.floor((expires - context.now.getTime()) / DAY);
  const encryption = (facts['encryption'] as string[]) ?? [];
  return [
    check(
      'security_txt.contact',
      validContact.length > 0 ? 'pass' : 'fail',
      validContact.length > 0 ? `${validContact.length} contact(s)` : 'no Contact with mailto:, https: or tel:',
    ),
    daysLeft === null
      ? check('security_txt.expires', 'fail', problems[0] ?? 'Expires missing or not a single valid date')
      : daysLeft < 0
        ? check('security_txt.expires', 'fail', `expired ${-daysLeft} days ago`)
        : check('security_txt.expires', daysLeft < 30 ? 'warn' : 'pass', `expires in ${daysLeft} days`),
    check(
      'security_txt.policy',
      ((facts['policy'] as string[]) ?? []).length > 0 ? 'pass' : 'fail',
      ((facts['policy'] as string[]) ?? []).length > 0 ? 'Policy URL present' : 'no Policy',
    ),
    check(
      'security_txt.encryption',
      encryption.length > 0 || validContact.some((uri) => uri.toLowerCase().startsWith('https:')) ? 'pass' : 'warn',
      encryption.length > 0 ? 'Encryption key published' : 'no Encryption field and no https Contact',
    ),
  ];
}

/** The packages a supplier ships by its processed SBOMs (versionless purl → versions), and whether it has any SBOM. */
export interface ShippedPackages {
  sboms: boolean;
  versions: Map<string, Set<string | null>>;
}

/** The versionless purl and version of a normalised purl; null when it does not read. */
function purlParts(purl: string): { base: string; version: string | null } | null {
  try {
    const parsed = PackageURL.fromString(purl);
    return { base: new PackageURL(parsed.type, parsed.namespace, parsed.name, undefined, undefined, undefined).toString(), version: parsed.version ?? null };
  } catch {
    return null;
  }
}

/** The versionless purls of a VEX's products (what to look up among the supplier's components). */
export function vexProductBases(facts: Record<string, unknown>): string[] {
  const products = Array.isArray(facts['products']) ? (facts['products'] as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  return [...new Set(products.map((purl) => purlParts(purl)?.base).filter((base): base is string => base !== undefined))];
}

/**
 * A VEX product the supplier ships: a purl with a version names that version of a package among the
 * supplier's SBOM components; a purl without one names any version of it.
 */
function shipped(purl: string, packages: ShippedPackages): boolean {
  const parts = purlParts(purl);
  const versions = parts ? packages.versions.get(parts.base) : undefined;
  if (!parts || !versions) return false;
  return parts.version === null || versions.has(parts.version);
}

/** Whether the products a VEX speaks about are components the supplier ships (by its SBOMs). */
function vexProductsCheck(facts: Record<string, unknown>, packages: ShippedPackages | undefined): EvidenceCheck {
  const products = Array.isArray(facts['products']) ? (facts['products'] as unknown[]).filter((p): p is string => typeof p === 'string') : [];
  if (products.length === 0) return check('vex.products_matched', 'fail', 'the VEX names no product by purl');
  if (!packages?.sboms) return check('vex.products_matched', 'warn', `no SBOM of the supplier to match ${products.length} product(s) against`);
  const missing = products.filter((purl) => !shipped(purl, packages));
  if (missing.length === 0) return check('vex.products_matched', 'pass', `all ${products.length} product(s) are components of the supplier's SBOMs`);
  const examples = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ', …' : '');
  return missing.length === products.length
    ? check('vex.products_matched', 'fail', `none of ${products.length} product(s) is a component of the supplier's SBOMs (${examples})`)
    : check('vex.products_matched', 'warn', `${missing.length} of ${products.length} product(s) are not components of the supplier's SBOMs (${examples})`);
}

function vexChecks(facts: Record<string, unknown>, context: CheckContext): EvidenceCheck[] {
  const count = Number(facts['statementCount'] ?? 0);
  const unjustified = Number(facts['unjustifiedNotAffected'] ?? 0);
  const notAffected = Number(((facts['statuses'] ?? {}) as Record<string, number>)['not_affected'] ?? 0);
  return [
    check('vex.statements', count > 0 ? 'pass' : 'fail', `${count} statement(s)`),
    notAffected === 0
      ? check('vex.justified', 'not_applicable', 'no not_affected statements')
      : check(
          'vex.justified',
          unjustified === 0 ? 'pass' : 'fail',
          unjustified === 0
            ? `every one of ${notAffected} not_affected statement(s) is justified`
            : `${unjustified} of ${notAffected} not_affected statement(s) give no justification`,
        ),
    vexProductsCheck(facts, context.shippedPackages),
  ];
}

function scorecardChecks(facts: Record<string, unknown>): EvidenceCheck[] {
  const scores = new Map<string, number | null>();
  for (const entry of (facts['checks'] as { name: string | null; score: number | null }[] | undefined) ?? [])
    if (entry.name) scores.set(entry.name, entry.score);
  return Object.entries(scorecardThresholds()).map(([name, rule]) => {
    const score = scores.get(name);
    if (score === undefined) return check(rule.key, 'not_applicable', `${name} not in the result`);
    // Scorecard gives -1 (or no score) when a check could not be run.
    if (score === null || score < 0) return check(rule.key, 'warn', `${name} was inconclusive`);
    return check(rule.key, score >= rule.min ? 'pass' : 'fail', `${name} ${score}/10 (${rule.min} needed)`);
  });
}

function advisoryChecks(facts: Record<string, unknown>): EvidenceCheck[] {
  const cves = (facts['cves'] as string[] | undefined) ?? [];
  const status = facts['status'];
  return [
    check(
      'advisory.published',
      status === 'final' ? 'pass' : status === 'interim' ? 'warn' : 'fail',
      `CSAF advisory ${String(facts['trackingId'])} by ${String(facts['publisher'])}, status ${String(status ?? 'unknown')}`,
    ),
    check(
      'advisory.identifies_vulnerabilities',
      cves.length > 0 ? 'pass' : 'warn',
      cves.length > 0 ? `names ${cves.length} CVE(s) for ${String(facts['productCount'])} product(s)` : 'names no CVE',
    ),
  ];
}

function declarationChecks(facts: Record<string, unknown>): EvidenceCheck[] {
  const attested = (facts['codeClaims'] as { claimId: string }[] | undefined) ?? [];
  const claimIds = [...new Set(attested.map((entry) => entry.claimId))].sort();
  const affirmation = (facts['affirmation'] ?? {}) as { statement?: string | null; signatories?: unknown[] };
  const signatories = affirmation.signatories?.length ?? 0;
  const withClaims = (entry: EvidenceCheck): EvidenceCheck => ({ ...entry, claimIds });
  return [
    withClaims(
      check(
        'declaration.code_requirements',
        claimIds.length > 0 ? 'pass' : 'warn',
        claimIds.length > 0
          ? `attests ${claimIds.length} claim(s) of the Code`
          : `${String(facts['attestationCount'] ?? 0)} attestation(s), none of a Code requirement`,
      ),
    ),
    withClaims(
      check(
        'declaration.affirmed',
        affirmation.statement && signatories > 0 ? 'pass' : 'fail',
        affirmation.statement && signatories > 0 ? `affirmed by ${signatories} signatory(ies)` : 'no affirmation statement with a signatory',
      ),
    ),
  ];
}

function endOfLifeChecks(facts: Record<string, unknown>): EvidenceCheck[] {
  const endOfSupport = facts['endOfSupportAt'];
  const announced = typeof facts['lastUpdated'] === 'string' ? instantMs(facts['lastUpdated']) : null;
  const published = typeof endOfSupport === 'string' && endOfSupport !== 'tba';
  const noticeDays = published && announced !== null ? Math.floor((instantMs(endOfSupport) - announced) / DAY) : null;
  return [
    check(
      'end_of_life.published',
      published ? 'pass' : endOfSupport === 'tba' ? 'warn' : 'fail',
      published
        ? `end of security support ${endOfSupport}`
        : endOfSupport === 'tba'
          ? 'end of security support to be announced'
          : 'no end of security support date',
    ),
    noticeDays === null
      ? check('end_of_life.notice', 'not_applicable', 'no dated end of support to measure notice against')
      : check('end_of_life.notice', noticeDays >= 365 ? 'pass' : 'fail', `${noticeDays} days between the statement and the end of support (365 needed)`),
  ];
}

export interface CheckContext {
  now: Date;
  sbomMaxAgeDays: number;
  productId: string | null;
  /** For VEX: the packages the supplier ships by its SBOMs (the VEX's products are matched against them). */
  shippedPackages?: ShippedPackages;
}

/**
 * Whether the evidence's signature verified: a verified signature passes; a signature that failed
 * verification fails (never a pass); a signature no key could be had for is a warning, naming why;
 * no signature where one is expected fails.
 */
function signatureCheck(key: string, facts: Record<string, unknown>, unsigned: 'fail'): EvidenceCheck {
  const signer = typeof facts['signer'] === 'string' ? ` by ${facts['signer']}` : '';
  if (facts['signed'] !== true) return check(key, unsigned, 'not signed');
  if (facts['signatureVerified'] === true) {
    const through = facts['signatureCoveredBy'] === 'transparency-log' ? ' (through its transparency log entry; the artifact is not part of the evidence)' : '';
    return check(key, 'pass', `signature verified${signer}${through}`);
  }
  if (facts['signatureVerified'] === false) {
    const reason = typeof facts['verificationError'] === 'string' ? `: ${facts['verificationError']}` : '';
    return check(key, 'fail', `signature does not verify${reason}`);
  }
  const why = typeof facts['verificationError'] === 'string' ? facts['verificationError'] : 'no key to verify it against';
  return check(key, 'warn', `signed${signer}, not verified: ${why}`);
}

/** The checks of one parsed piece of evidence. */
export function runChecks(parsed: ParsedEvidence, context: CheckContext): EvidenceCheck[] {
  const facts = parsed.facts;
  const checks = kindChecks(parsed, context);
  if (parsed.kind === 'provenance') checks.push(signatureCheck('provenance.signature', facts, 'fail'));
  // A signature is optional elsewhere: checked when there is one.
  else if (facts['signed'] === true)
    checks.push(signatureCheck(parsed.kind === 'security_txt' ? 'security_txt.signature' : 'signature.verified', facts, 'fail'));
  return checks;
}

function kindChecks(parsed: ParsedEvidence, context: CheckContext): EvidenceCheck[] {
  const facts = parsed.facts;
  switch (parsed.kind) {
    case 'sbom':
      return sbomChecks(facts, context);
    case 'security_txt':
      return securityTxtChecks(facts, context);
    case 'vex':
      return vexChecks(facts, context);
    case 'scorecard':
      return scorecardChecks(facts);
    case 'advisory':
      return advisoryChecks(facts);
    case 'end_of_life':
      return endOfLifeChecks(facts);
    case 'declaration':
      return declarationChecks(facts);
    case 'provenance':
      return [
        check('provenance.present', 'pass', `in-toto statement with ${String(facts['predicateType'])}`),
        facts['builderId']
          ? check(
              'provenance.builder',
              facts['hostedBuilder'] ? 'pass' : 'warn',
              facts['hostedBuilder']
                ? `hosted builder ${String(facts['builderId'])} (SLSA Build L2+)`
                : `builder ${String(facts['builderId'])} is not a known hosted builder`,
            )
          : check('provenance.builder', 'fail', 'no builder id recorded'),
      ];
    case 'certificate': {
      const now = context.now.getTime();
      const valid = instantMs(String(facts['notBefore'])) <= now && now <= instantMs(String(facts['notAfter']));
      return [
        check(
          'certificate.valid',
          valid ? 'pass' : 'fail',
          valid ? `valid until ${String(facts['notAfter'])}` : `outside its validity (${String(facts['notBefore'])} – ${String(facts['notAfter'])})`,
        ),
      ];
    }
    default:
      return [];
  }
}
