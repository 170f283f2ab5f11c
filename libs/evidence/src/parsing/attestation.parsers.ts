import { vexProductPurls } from '../advisories/vex-statements';
import { rfc3339DateOrDateTime, rfc3339DateTime } from './dates';
import { EvidenceParseError, ParsedEvidence, UnsupportedEvidenceError, asArray, isRecord, text } from './parse-result';
import { parseUntrustedJson } from './untrusted-json';

/** The most product purls a VEX's facts list (each is matched against the supplier's SBOM components). */
export const MAX_VEX_PRODUCTS = 1_000;

const STATEMENT_TYPES = ['https://in-toto.io/Statement/v0.1', 'https://in-toto.io/Statement/v1'];
/** Builders run as a hosted service (SLSA Build L2+ when they sign provenance). */
const HOSTED_BUILDERS = [
  /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\//,
  /^https:\/\/github\.com\/actions\/runner/,
  /^https:\/\/gitlab\.com\//,
  /^https:\/\/cloudbuild\.googleapis\.com\//,
];

export function isInTotoStatement(value: Record<string, unknown>): boolean {
  return typeof value['_type'] === 'string' && STATEMENT_TYPES.includes(value['_type']);
}

export function isDsseEnvelope(value: Record<string, unknown>): boolean {
  return typeof value['payloadType'] === 'string' && typeof value['payload'] === 'string' && Array.isArray(value['signatures']);
}

/** An in-toto statement (bare, or inside a DSSE envelope) carrying SLSA provenance. */
export function parseProvenance(document: Record<string, unknown>): ParsedEvidence {
  let statement = document;
  let envelope = false;
  let signatures: Record<string, unknown>[] = [];
  if (isDsseEnvelope(document)) {
    envelope = true;
    signatures = asArray(document['signatures']).filter(isRecord);
    if (document['payloadType'] !== 'application/vnd.in-toto+json')
      throw new EvidenceParseError(`DSSE payload type ${text(document['payloadType'], 100)} is not an in-toto statement`);
    try {
      statement = parseUntrustedJson(Buffer.from(document['payload'] as string, 'base64'));
    } catch (error) {
      if (error instanceof UnsupportedEvidenceError) throw new EvidenceParseError('DSSE payload is not a JSON object');
      throw error;
    }
  }
  if (!isInTotoStatement(statement)) throw new EvidenceParseError('not an in-toto statement');
  const predicateType = text(statement['predicateType'], 300);
  if (!predicateType?.startsWith('https://slsa.dev/provenance/'))
    throw new EvidenceParseError(`predicate ${predicateType ?? '(missing)'} is not SLSA provenance`);
  const predicate = isRecord(statement['predicate']) ? statement['predicate'] : {};
  const v1 = predicateType === 'https://slsa.dev/provenance/v1';
  const runDetails = isRecord(predicate['runDetails']) ? predicate['runDetails'] : {};
  const builder = v1 ? runDetails['builder'] : predicate['builder'];
  const builderId = isRecord(builder) ? text(builder['id'], 500) : null;
  const buildDefinition = isRecord(predicate['buildDefinition']) ? predicate['buildDefinition'] : {};
  const metadata = isRecord(v1 ? runDetails['metadata'] : predicate['metadata'])
    ? ((v1 ? runDetails['metadata'] : predicate['metadata']) as Record<string, unknown>)
    : {};
  const subjects = asArray(statement['subject']).filter(isRecord);
  return {
    kind: 'provenance',
    mediaType: envelope ? 'application/vnd.dsse.envelope.v1+json' : 'application/vnd.in-toto+json',
    facts: {
      statementType: statement['_type'],
      predicateType,
      builderId,
      hostedBuilder: builderId !== null && HOSTED_BUILDERS.some((pattern) => pattern.test(builderId)),
      buildType: text(v1 ? buildDefinition['buildType'] : predicate['buildType'], 500),
      subjects: subjects.slice(0, 100).map((subject) => ({ name: text(subject['name'], 500), digest: isRecord(subject['digest']) ? subject['digest'] : {} })),
      subjectCount: subjects.length,
      envelope,
      signed: signatures.length > 0,
      // A bare DSSE envelope names no key Assay trusts: present, not verified.
      signatureVerified: null,
      signer: signatures.length > 0 ? text(signatures[0]?.['keyid'], 200) : null,
      finishedOn: rfc3339DateTime(metadata['finishedOn'] ?? metadata['buildFinishedOn'], v1 ? 'runDetails.metadata.finishedOn' : 'metadata.buildFinishedOn'),
    },
    validUntil: null,
  };
}

/** OpenVEX document. */
export function parseOpenVex(document: Record<string, unknown>): ParsedEvidence {
  const statements = asArray(document['statements']).filter(isRecord);
  const statuses: Record<string, number> = {};
  let unjustified = 0;
  for (const statement of statements) {
    const status = text(statement['status'], 40) ?? 'unknown';
    statuses[status] = (statuses[status] ?? 0) + 1;
    // OpenVEX: not_affected needs a justification or an impact statement.
    if (status === 'not_affected' && text(statement['justification']) === null && text(statement['impact_statement']) === null) unjustified += 1;
  }
  return {
    kind: 'vex',
    mediaType: 'application/openvex+json',
    facts: {
      format: 'openvex',
      author: text(document['author'], 300),
      timestamp: rfc3339DateTime(document['timestamp'], 'timestamp'),
      statementCount: statements.length,
      statuses,
      unjustifiedNotAffected: unjustified,
      products: vexProductPurls(document, MAX_VEX_PRODUCTS),
    },
    validUntil: null,
  };
}

/** A CycloneDX document whose vulnerabilities carry analysis states and that lists no components: VEX. */
export function parseCycloneDxVex(document: Record<string, unknown>, mediaType = 'application/vnd.cyclonedx+json'): ParsedEvidence {
  const vulnerabilities = asArray(document['vulnerabilities']).filter(isRecord);
  const states: Record<string, number> = {};
  let unjustified = 0;
  for (const vulnerability of vulnerabilities) {
    const analysis = isRecord(vulnerability['analysis']) ? vulnerability['analysis'] : {};
    const state = text(analysis['state'], 40) ?? 'unknown';
    states[state] = (states[state] ?? 0) + 1;
    // CycloneDX: a not_affected analysis states its justification (or explains itself in detail).
    if (state === 'not_affected' && text(analysis['justification']) === null && text(analysis['detail']) === null) unjustified += 1;
  }
  return {
    kind: 'vex',
    mediaType,
    facts: {
      format: 'cyclonedx',
      specVersion: text(document['specVersion'], 10),
      statementCount: vulnerabilities.length,
      statuses: states,
      unjustifiedNotAffected: unjustified,
      products: vexProductPurls(document, MAX_VEX_PRODUCTS),
    },
    validUntil: null,
  };
}

export function isScorecard(document: Record<string, unknown>): boolean {
  return isRecord(document['scorecard']) && isRecord(document['repo']) && Array.isArray(document['checks']);
}

/** OpenSSF Scorecard JSON result. */
export function parseScorecard(document: Record<string, unknown>): ParsedEvidence {
  const repo = isRecord(document['repo']) ? document['repo'] : {};
  const scorecard = isRecord(document['scorecard']) ? document['scorecard'] : {};
  const checks = asArray(document['checks']).filter(isRecord);
  return {
    kind: 'scorecard',
    mediaType: 'application/json',
    facts: {
      repository: text(repo['name'], 500),
      commit: text(repo['commit'], 100),
      scorecardVersion: text(scorecard['version'], 50),
      // Scorecard writes a date (older versions) or a date-time.
      date: rfc3339DateOrDateTime(document['date'], 'date'),
      score: typeof document['score'] === 'number' ? document['score'] : null,
      checks: checks.slice(0, 100).map((check) => ({ name: text(check['name'], 100), score: typeof check['score'] === 'number' ? check['score'] : null })),
    },
    validUntil: null,
  };
}
