import type { EvidenceKind } from '../evidence/evidence-kinds.constant';
import { isDsseEnvelope, isInTotoStatement, isScorecard, parseCycloneDxVex, parseOpenVex, parseProvenance, parseScorecard } from './attestation.parsers';
import { clock } from '@assay/shared/clock';
import { looksLikePem, parseCertificate } from './certificate.parser';
import { isCsaf, parseCsaf } from './csaf.parser';
import { isCycloneDxDeclaration, parseCycloneDxDeclaration } from './declaration.parser';
import { isOpenEox, parseOpenEox } from './openeox.parser';
import {
  addCycloneDxComponent,
  cycloneDxEvidence,
  cycloneDxSpecVersion,
  cycloneDxXmlRoot,
  declaresDependencies,
  parseCycloneDxXml,
  refuseDtd,
} from './cyclonedx.parser';
import {
  EvidenceParseError,
  MAX_COMPONENTS,
  ParsedEvidence,
  SignatureVerificationError,
  UnsupportedEvidenceError,
  asArray,
  decodeUtf8,
  isRecord,
  text,
} from './parse-result';
import { ComponentBatchHandler, ComponentCollector } from './sbom-components';
import { looksLikeSecurityTxt, parseSecurityTxt } from './security-txt.parser';
import { parseSigstoreBundle } from './sigstore-bundle.parser';
import { isSigstoreBundle } from '../signatures/sigstore';
import { OpenPgpKeyFetcher, verifySignedSecurityTxt } from '../signatures/openpgp';
import { VerificationKey, verifyDsseEnvelope } from '../signatures/dsse';
import { SpdxDocumentInfo, SpdxPackages, parseSpdxTagValue, spdxJsonInfo, spdxJsonPackage, spdxJsonRelationship } from './spdx.parser';
import { Spdx3Document, isSpdx3Context } from './spdx3.parser';
import { UntrustedJsonReader } from './untrusted-json';

/** The binary type of some content, as `file-type` reports it (injected: it is an ES module loaded at run time). */
export type BinaryTypeDetector = (content: Buffer) => Promise<{ mime: string; ext: string } | undefined>;

/** Evidence content: its bytes, or a way to stream them (opened afresh for each pass over them). */
export type EvidenceContent = Buffer | (() => Promise<AsyncIterable<Uint8Array>>);

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
/** What detection looks at: enough for every binary signature and the start of any text format. */
const HEAD_BYTES = 64 * 1024;

export interface ParseOptions {
  /** The client's hint: used only to name a document (policy, pentest report), never to pick a parser. */
  kindHint: EvidenceKind | null;
  sbomMaxAgeDays: number;
  detectBinary: BinaryTypeDetector;
  now?: Date;
  /** Receives an SBOM's components in batches as they are parsed; without it they come back in `components`. */
  onComponents?: ComponentBatchHandler;
  /** The most bytes read into memory for formats parsed whole (everything but JSON). */
  maxBytes?: number;
  /** Fetches the OpenPGP key a signed security.txt names at its Encryption URL (through the SSRF guard). */
  fetchOpenPgpKey?: OpenPgpKeyFetcher;
  /** The tenant's registered keys, read when a DSSE envelope or a signed security.txt is to be verified. */
  signingKeys?: () => Promise<VerificationKey[]>;
}

/** In-toto provenance; a bare DSSE envelope's signature verified against the tenant's registered keys. */
async function provenance(document: Record<string, unknown>, keys?: () => Promise<VerificationKey[]>): Promise<ParsedEvidence> {
  const parsed = parseProvenance(document);
  if (!isDsseEnvelope(document) || parsed.facts['signed'] !== true) return parsed;
  const verification = verifyDsseEnvelope(document, keys ? await keys() : []);
  const verified = { ...parsed, facts: { ...parsed.facts, ...verification } };
  if (verification.signatureVerified === false)
    throw new SignatureVerificationError(`the DSSE envelope does not verify: ${verification.verificationError ?? ''}`, verified);
  return verified;
}

/** A security.txt, its cleartext signature (if any) verified against the key at its Encryption URL or a key the tenant registered. */
async function securityTxt(
  source: string,
  now: Date,
  fetchKey?: OpenPgpKeyFetcher,
  registeredKeys?: () => Promise<VerificationKey[]>,
): Promise<ParsedEvidence> {
  const parsed = parseSecurityTxt(source, now);
  if (parsed.facts['signed'] !== true) return parsed;
  const encryption = (parsed.facts['encryption'] as string[] | undefined) ?? [];
  const verification = await verifySignedSecurityTxt(source.replace(/^\uFEFF/, '').trimStart(), encryption, fetchKey, registeredKeys);
  return { ...parsed, facts: { ...parsed.facts, ...verification } };
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

async function* chunksOf(content: EvidenceContent): AsyncGenerator<Uint8Array> {
  if (!Buffer.isBuffer(content)) {
    yield* await content();
    return;
  }
  for (let at = 0; at < content.length; at += HEAD_BYTES) yield content.subarray(at, at + HEAD_BYTES);
}

/** Reads up to `limit` bytes; `complete` when that was all of it. Stops reading there (the stream is closed). */
async function readUpTo(content: EvidenceContent, limit: number): Promise<{ bytes: Buffer; complete: boolean }> {
  if (Buffer.isBuffer(content)) return { bytes: content.length <= limit ? content : content.subarray(0, limit), complete: content.length <= limit };
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunksOf(content)) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > limit) break;
  }
  const bytes = Buffer.concat(chunks, size);
  return size > limit ? { bytes: bytes.subarray(0, limit), complete: false } : { bytes, complete: true };
}

/**
 * Detects what some content is from its bytes (never from the client's word) and parses it. Throws
 * EvidenceParseError for recognised but malformed or hostile content, UnsupportedEvidenceError for
 * content Assay does not take. JSON is streamed: an SBOM's components reach `onComponents` in
 * batches and the document is never held whole; other formats are read whole (up to `maxBytes`).
 */
export async function parseEvidence(content: EvidenceContent, options: ParseOptions): Promise<ParsedEvidence> {
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
  const now = options.now ?? clock.now();
  const start = await readUpTo(content, HEAD_BYTES);
  const head = start.bytes;
  const whole = async (): Promise<Buffer> => {
    if (start.complete) return head;
    const all = await readUpTo(content, maxBytes);
    if (!all.complete) throw new EvidenceParseError(`the document is larger than ${maxBytes} bytes`);
    return all.bytes;
  };
  if (head.length === 0) throw new EvidenceParseError('the document is empty');
  // DER certificates start with a SEQUENCE; file-type does not name them.
  if (head[0] === 0x30 && (head[1] === 0x82 || head[1] === 0x81)) {
    try {
      return parseCertificate(await whole(), false, now);
    } catch {
      // not a certificate: carry on
    }
  }
  const binary = await options.detectBinary(head);
  if (binary && !['xml', 'txt', 'json'].includes(binary.ext)) {
    if (DOCUMENT_TYPES.has(binary.mime)) {
      return {
        kind: documentKind(options.kindHint),
        mediaType: binary.mime,
        facts: { documentType: binary.ext, ...(binary.mime === 'application/pdf' ? pdfFacts(await whole()) : {}) },
        validUntil: null,
      };
    }
    throw new UnsupportedEvidenceError(`content of type ${binary.mime} is not accepted as evidence`);
  }
  if (head.subarray(0, 8192).includes(0)) throw new UnsupportedEvidenceError('binary content of no known evidence type');
  const opening = head
    .subarray(0, 1024)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (opening.startsWith('{') || opening.startsWith('[')) return parseJson(content, options);
  const source = decodeUtf8(await whole()).replace(/^\uFEFF/, '');
  const text = source.trimStart();
  if (text.startsWith('<')) {
    refuseDtd(source);
    if (cycloneDxXmlRoot(source)) return parseCycloneDxXml(source, options.sbomMaxAgeDays, new ComponentCollector(options.onComponents));
    throw new UnsupportedEvidenceError('an XML document of no known evidence format (CycloneDX)');
  }
  // RFC 7468: explanatory text may come before, between and after the certificate blocks.
  if (looksLikePem(source)) return parseCertificate(Buffer.from(source), true, now);
  if (/^SPDXVersion:/m.test(source.slice(0, 4096))) return parseSpdxTagValue(source, options.sbomMaxAgeDays, new ComponentCollector(options.onComponents));
  if (text.startsWith('-----BEGIN PGP SIGNED MESSAGE-----') || looksLikeSecurityTxt(source))
    return securityTxt(source, now, options.fetchOpenPgpKey, options.signingKeys);
  return { kind: documentKind(options.kindHint), mediaType: 'text/plain', facts: { documentType: 'text', lines: source.split('\n').length }, validUntil: null };
}

/** Runs the content through a JSON reader, handing full batches of components on between chunks. */
async function readJson(content: EvidenceContent, reader: UntrustedJsonReader, collector?: ComponentCollector): Promise<Record<string, unknown>> {
  for await (const chunk of chunksOf(content)) {
    reader.write(chunk);
    if (collector?.full) await collector.flush();
  }
  const document = reader.end();
  await collector?.drain();
  return document;
}

/**
 * JSON evidence in at most two streamed passes. The first reads everything but the SBOM arrays, whose
 * elements are only counted or summarised (dependency graph, described packages), and so finds the
 * format. A CycloneDX BOM that names its format and spec version before its components (as the
 * tools write it) has them handed on in batches during that same pass; otherwise, and for SPDX, a
 * second pass reads only the components or packages. Memory holds the small parts of the document
 * and two batches, whatever the SBOM's size.
 */
async function parseJson(content: EvidenceContent, options: ParseOptions): Promise<ParsedEvidence> {
  let components = 0;
  let dependencyGraph = false;
  const spdx = new SpdxDocumentInfo();
  const spdx3 = new Spdx3Document();
  const collector = new ComponentCollector(options.onComponents);
  /** Whether this pass takes the components (decided at the first one: a supported CycloneDX BOM so far). */
  let streamed: boolean | undefined;
  const reader: UntrustedJsonReader = new UntrustedJsonReader({
    elements: {
      components: (element) => {
        components += 1;
        if (streamed === undefined) {
          const specVersion = reader.topLevelString('specVersion');
          // An unsupported version is refused here already: the document cannot say otherwise later.
          streamed = reader.topLevelString('bomFormat') === 'CycloneDX' && specVersion !== undefined && cycloneDxSpecVersion({ specVersion }) === specVersion;
        }
        if (streamed) addCycloneDxComponent(element, collector);
      },
      dependencies: (dependency) => (dependencyGraph ||= declaresDependencies(dependency)),
      packages: (element) => spdx.package(isRecord(element) ? text(element['SPDXID'], 300) : null),
      relationships: (relationship) => spdxJsonRelationship(spdx, relationship),
      '@graph': (element) => spdx3.observe(element),
    },
  });
  const document = await readJson(content, reader, collector);
  if (document['bomFormat'] === 'CycloneDX') {
    const vulnerabilities = asArray(document['vulnerabilities']);
    if (components === 0 && vulnerabilities.some((v) => isRecord(v) && isRecord(v['analysis']))) return parseCycloneDxVex(document);
    const specVersion = cycloneDxSpecVersion(document);
    if (components === 0 && isCycloneDxDeclaration(document)) return parseCycloneDxDeclaration(document, specVersion);
    if (!streamed) {
      // Refused from the first pass's count, before any component reaches the handler (the database).
      if (components > MAX_COMPONENTS) throw new EvidenceParseError(`more than ${MAX_COMPONENTS} components`);
      await readJson(
        content,
        new UntrustedJsonReader({ elements: { components: (element) => addCycloneDxComponent(element, collector) }, keepDocument: false }),
        collector,
      );
    }
    return cycloneDxEvidence(document, 'application/vnd.cyclonedx+json', options.sbomMaxAgeDays, collector, dependencyGraph, vulnerabilities.length);
  }
  if (streamed) throw new EvidenceParseError('a JSON document that is CycloneDX before its components and not after them');
  if (typeof document['spdxVersion'] === 'string') {
    spdxJsonInfo(document, spdx).check();
    const packages = new SpdxPackages(spdx, collector);
    const take = (element: unknown) => {
      const pkg = spdxJsonPackage(element);
      if (pkg) packages.add(pkg);
    };
    // The graph needs every package id, so relationships are read again alongside the packages.
    const edge = (element: unknown) => spdxJsonRelationship(spdx, element, true);
    await readJson(content, new UntrustedJsonReader({ elements: { packages: take, relationships: edge }, keepDocument: false }), collector);
    return packages.evidence('application/spdx+json', options.sbomMaxAgeDays);
  }
  if (isSpdx3Context(document['@context'])) {
    // Refused from the first pass (version, package count) before any package reaches the handler.
    spdx3.check();
    const take = (element: unknown) => spdx3.take(element, collector);
    await readJson(content, new UntrustedJsonReader({ elements: { '@graph': take }, keepDocument: false }), collector);
    return spdx3.evidence(collector, options.sbomMaxAgeDays);
  }
  if (isSigstoreBundle(document)) return parseSigstoreBundle(document);
  if (isInTotoStatement(document) || isDsseEnvelope(document)) return provenance(document, options.signingKeys);
  if (isCsaf(document)) return parseCsaf(document);
  if (isOpenEox(document)) return parseOpenEox(document);
  const context = document['@context'];
  if (typeof context === 'string' && context.startsWith('https://openvex.dev/ns')) return parseOpenVex(document);
  if (isScorecard(document)) return parseScorecard(document);
  throw new UnsupportedEvidenceError(
    'a JSON document of no known evidence format (CycloneDX, SPDX, in-toto, Sigstore bundle, OpenVEX, Scorecard, CSAF, OpenEoX)',
  );
}

/** Loads `file-type` (an ES module) once, for processes that parse evidence. */
export function fileTypeDetector(): BinaryTypeDetector {
  let loaded: Promise<(buffer: Uint8Array) => Promise<{ mime: string; ext: string } | undefined>> | undefined;
  // A real dynamic import: the CommonJS build must not turn it into require().
  const importModule = new Function('specifier', 'return import(specifier)') as (
    specifier: string,
  ) => Promise<{ fileTypeFromBuffer: (buffer: Uint8Array) => Promise<{ mime: string; ext: string } | undefined> }>;
  return async (content) => {
    loaded ??= importModule('file-type').then((module) => module.fileTypeFromBuffer);
    return (await loaded)(content.subarray(0, HEAD_BYTES));
  };
}
