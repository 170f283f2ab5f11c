import { clock } from '@assay/shared/clock';
import { X509Certificate } from 'node:crypto';
import { EvidenceParseError, ParsedEvidence } from './parse-result';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function describe(certificate: X509Certificate, chainLength: number, mediaType: string, now: Date): ParsedEvidence {
  const notBefore = new Date(certificate.validFrom).toISOString();
  const notAfter = new Date(certificate.validTo).toISOString();
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
      currentlyValid: Date.parse(notBefore) <= now.getTime() && now.getTime() <= Date.parse(notAfter),
    },
    validUntil: notAfter,
  };
}

/** X.509 in PEM (the first certificate is the leaf; the rest, its chain) or DER. */
export function parseCertificate(content: Buffer, pem: boolean, now = clock.now()): ParsedEvidence {
  try {
    if (pem) {
      const blocks = content.toString('utf8').match(PEM_BLOCK) ?? [];
      const leaf = blocks[0];
      if (!leaf) throw new EvidenceParseError('no PEM certificate block');
      return describe(new X509Certificate(leaf), blocks.length, 'application/x-pem-file', now);
    }
    return describe(new X509Certificate(content), 1, 'application/pkix-cert', now);
  } catch (error) {
    if (error instanceof EvidenceParseError) throw error;
    throw new EvidenceParseError(`not a readable X.509 certificate: ${(error as Error).message.slice(0, 200)}`);
  }
}
