import { clock } from '@assay/shared/clock';
import { X509Certificate } from 'node:crypto';
import { instantMs, x509Time } from './dates';
import { EvidenceParseError, ParsedEvidence } from './parse-result';

/** At most this many certificates are read from one PEM file (a chain is a handful; a CA bundle a few hundred). */
const MAX_PEM_CERTIFICATES = 1_000;

/**
 * The CERTIFICATE blocks of a PEM text per RFC 7468: explanatory text is allowed before, between
 * and after the encapsulation boundaries (what `openssl x509 -text`, CA download pages and bundles
 * write) and ignored; the base64 between the boundaries may carry whitespace; the end label must
 * match the begin label. Blocks of other labels (keys, CRLs) are skipped.
 */
export function pemCertificates(source: string): Buffer[] {
  const blocks: Buffer[] = [];
  const boundary = /^-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----[ \t]*$/gm;
  let begin: RegExpExecArray | null;
  while ((begin = boundary.exec(source)) !== null) {
    const label = begin[1] ?? '';
    const endMarker = `-----END ${label}-----`;
    const end = source.indexOf(endMarker, boundary.lastIndex);
    if (end < 0) throw new EvidenceParseError(`PEM block "${label.slice(0, 40)}" has no matching END line`);
    const body = source.slice(boundary.lastIndex, end);
    boundary.lastIndex = end + endMarker.length;
    if (label !== 'CERTIFICATE' && label !== 'X509 CERTIFICATE' && label !== 'TRUSTED CERTIFICATE') continue;
    const base64 = body.replace(/[ \t\r\n]/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(base64) || base64.length === 0)
      throw new EvidenceParseError('a PEM CERTIFICATE block is not valid base64');
    if (blocks.length >= MAX_PEM_CERTIFICATES) throw new EvidenceParseError(`more than ${MAX_PEM_CERTIFICATES} certificates in one PEM file`);
    blocks.push(Buffer.from(base64, 'base64'));
  }
  return blocks;
}

/** Whether a text holds a PEM CERTIFICATE boundary on a line of its own (anywhere, after explanatory text). */
export function looksLikePem(source: string): boolean {
  return /^-----BEGIN (X509 |TRUSTED )?CERTIFICATE-----[ \t]*$/m.test(source);
}

function describe(certificate: X509Certificate, chainLength: number, mediaType: string, now: Date): ParsedEvidence {
  const notBefore = x509Time(certificate.validFrom);
  const notAfter = x509Time(certificate.validTo);
  return {
    kind: 'certificate',
    mediaType,
    facts: {
      subject: certificate.subject,
      issuer: certificate.issuer,
      serialNumber: certificate.serialNumber,
      notBefore,
      notAfter,
      fingerprint256: certificate.fingerprint256,
      subjectAltName: certificate.subjectAltName ?? null,
      selfSigned: certificate.checkIssued(certificate),
      isCa: certificate.ca,
      keyType: certificate.publicKey.asymmetricKeyType ?? null,
      chainLength,
      currentlyValid: instantMs(notBefore) <= now.getTime() && now.getTime() <= instantMs(notAfter),
    },
    validUntil: notAfter,
  };
}

/** X.509 in PEM (the first certificate is the leaf; the rest, its chain) or DER. */
export function parseCertificate(content: Buffer, pem: boolean, now = clock.now()): ParsedEvidence {
  try {
    if (pem) {
      const blocks = pemCertificates(content.toString('utf8'));
      const leaf = blocks[0];
      if (!leaf) throw new EvidenceParseError('no PEM certificate block');
      // Every block must be a certificate, not only the leaf: a damaged chain is not silently cut short.
      for (const block of blocks.slice(1)) new X509Certificate(block);
      return describe(new X509Certificate(leaf), blocks.length, 'application/x-pem-file', now);
    }
    return describe(new X509Certificate(content), 1, 'application/pkix-cert', now);
  } catch (error) {
    if (error instanceof EvidenceParseError) throw error;
    throw new EvidenceParseError(`not a readable X.509 certificate: ${(error as Error).message.slice(0, 200)}`);
  }
}
