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
};

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

export interface CheckContext {
  now: Date;
  sbomMaxAgeDays: number;
  productId: string | null;
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
  else if (facts['signed'] === true) checks.push(signatureCheck(parsed.kind === 'security_txt' ? 'security_txt.signature' : 'signature.verified', facts, 'fail'));
  return checks;
}

function kindChecks(parsed: ParsedEvidence, context: CheckContext): EvidenceCheck[] {
  const facts = parsed.facts;
  switch (parsed.kind) {
    case 'sbom':
      return sbomChecks(facts, context);
    case 'security_txt':
      return securityTxtChecks(facts, context);
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
