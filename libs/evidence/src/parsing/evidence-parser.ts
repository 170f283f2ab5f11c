import type { EvidenceKind } from '../evidence/evidence-kinds.constant';
import { isDsseEnvelope, isInTotoStatement, isScorecard, parseCycloneDxVex, parseOpenVex, parseProvenance, parseScorecard } from './attestation.parsers';
import { parseCertificate } from './certificate.parser';
import { parseCycloneDx, parseCycloneDxXml, refuseDtd } from './cyclonedx.parser';
import { EvidenceParseError, ParsedEvidence, UnsupportedEvidenceError, asArray, isRecord } from './parse-result';
import { decodeUtf8, parseUntrustedJson } from './safe-json';
import { looksLikeSecurityTxt, parseSecurityTxt } from './security-txt.parser';
import { parseSpdxJson, parseSpdxTagValue } from './spdx.parser';

/** The binary type of some content, as `file-type` reports it (injected: it is an ES module loaded at run time). */
export type BinaryTypeDetector = (content: Buffer) => Promise<{ mime: string; ext: string } | undefined>;

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/x-cfb',
  'application/rtf',
]);
const DOCUMENT_KINDS: EvidenceKind[] = ['policy', 'pentest_report', 'other'];

export interface ParseOptions {
  /** The client's hint: used only to name a document (policy, pentest report), never to pick a parser. */
  kindHint: EvidenceKind | null;
  sbomMaxAgeDays: number;
  detectBinary: BinaryTypeDetector;
  now?: Date;
}

function documentKind(hint: EvidenceKind | null): EvidenceKind {
  return hint && DOCUMENT_KINDS.includes(hint) ? hint : 'other';
}

function pdfFacts(content: Buffer): Record<string, unknown> {
  const head = content.subarray(0, 16).toString('latin1');
  const version = /%PDF-(\d\.\d)/.exec(head)?.[1] ?? null;
  const pages = content.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? null;
  return { pdfVersion: version, pageCount: pages };
}

function parseJsonDocument(document: unknown, options: ParseOptions): ParsedEvidence {
  if (!isRecord(document)) throw new UnsupportedEvidenceError('a JSON document that is not an object is not a known evidence format');
  if (document['bomFormat'] === 'CycloneDX') {
    const vex = asArray(document['components']).length === 0 && asArray(document['vulnerabilities']).some((v) => isRecord(v) && isRecord(v['analysis']));
    return vex ? parseCycloneDxVex(document) : parseCycloneDx(document, 'application/vnd.cyclonedx+json', options.sbomMaxAgeDays);
  }
  if (typeof document['spdxVersion'] === 'string') return parseSpdxJson(document, options.sbomMaxAgeDays);
  if (isInTotoStatement(document) || isDsseEnvelope(document)) return parseProvenance(document);
  const context = document['@context'];
  if (typeof context === 'string' && context.startsWith('https://openvex.dev/ns')) return parseOpenVex(document);
  if (isScorecard(document)) return parseScorecard(document);
  throw new UnsupportedEvidenceError('a JSON document of no known evidence format (CycloneDX, SPDX, in-toto, OpenVEX, Scorecard)');
}

/**
 * Detects what some content is from its bytes (never from the client's word) and parses it. Throws
 * EvidenceParseError for recognised but malformed or hostile content, UnsupportedEvidenceError for
 * content Assay does not take.
 */
export async function parseEvidence(content: Buffer, options: ParseOptions): Promise<ParsedEvidence> {
  if (content.length === 0) throw new EvidenceParseError('the document is empty');
  // DER certificates start with a SEQUENCE; file-type does not name them.
  if (content[0] === 0x30 && (content[1] === 0x82 || content[1] === 0x81)) {
    try {
      return parseCertificate(content, false, options.now);
    } catch {
      // not a certificate: carry on
    }
  }
  const binary = await options.detectBinary(content);
  if (binary && !['xml', 'txt', 'json'].includes(binary.ext)) {
    if (DOCUMENT_TYPES.has(binary.mime)) {
      return { kind: documentKind(options.kindHint), mediaType: binary.mime, facts: { documentType: binary.ext, ...(binary.mime === 'application/pdf' ? pdfFacts(content) : {}) }, validUntil: null };
    }
    throw new UnsupportedEvidenceError(`content of type ${binary.mime} is not accepted as evidence`);
  }
  if (content.subarray(0, 8192).includes(0)) throw new UnsupportedEvidenceError('binary content of no known evidence type');
  const source = decodeUtf8(content).replace(/^\uFEFF/, '');
  const start = source.trimStart();
  if (start.startsWith('-----BEGIN CERTIFICATE-----')) return parseCertificate(content, true, options.now);
  if (start.startsWith('{') || start.startsWith('[')) return parseJsonDocument(parseUntrustedJson(source), options);
  if (start.startsWith('<')) {
    refuseDtd(source);
    if (/<bom[\s>]/.test(source.slice(0, 4096))) return parseCycloneDxXml(source, options.sbomMaxAgeDays);
    throw new UnsupportedEvidenceError('an XML document of no known evidence format (CycloneDX)');
  }
  if (/^SPDXVersion:/m.test(source.slice(0, 4096))) return parseSpdxTagValue(source, options.sbomMaxAgeDays);
  if (start.startsWith('-----BEGIN PGP SIGNED MESSAGE-----') || looksLikeSecurityTxt(source)) return parseSecurityTxt(source, options.now);
  return { kind: documentKind(options.kindHint), mediaType: 'text/plain', facts: { documentType: 'text', lines: source.split('\n').length }, validUntil: null };
}

/** Loads `file-type` (an ES module) once, for processes that parse evidence. */
export function fileTypeDetector(): BinaryTypeDetector {
  let loaded: Promise<(buffer: Uint8Array) => Promise<{ mime: string; ext: string } | undefined>> | undefined;
  // A real dynamic import: the CommonJS build must not turn it into require().
  const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<{ fileTypeFromBuffer: (buffer: Uint8Array) => Promise<{ mime: string; ext: string } | undefined> }>;
  return async (content) => {
    loaded ??= importModule('file-type').then((module) => module.fileTypeFromBuffer);
    return (await loaded)(content.subarray(0, 64 * 1024));
  };
}
