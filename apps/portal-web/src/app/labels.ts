import type { CheckResult, EvidenceStatus, Finding } from './api';

const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const DATE_TIME = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export const formatDate = (iso: string): string => DATE.format(new Date(iso));
export const formatDateTime = (iso: string): string => DATE_TIME.format(new Date(iso));

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} bytes`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

export const EVIDENCE_KIND_LABELS: Record<string, string> = {
  sbom: 'SBOM',
  security_txt: 'security.txt',
  provenance: 'Build provenance',
  vex: 'VEX statement',
  certificate: 'Certificate',
  policy: 'Policy or procedure',
  pentest_report: 'Penetration test report',
  scorecard: 'OpenSSF Scorecard',
  advisory: 'Security advisory (CSAF)',
  end_of_life: 'End-of-life notice',
  declaration: 'Declaration (CycloneDX attestations)',
  other: 'Other document',
};

/** Document kinds a supplier may name (every other kind is recognised from the content). */
export const DOCUMENT_KINDS = ['policy', 'pentest_report'] as const;

export const kindLabel = (kind: string | null): string => (kind ? (EVIDENCE_KIND_LABELS[kind] ?? kind) : 'Evidence');

export const EVIDENCE_STATUS_LABELS: Record<EvidenceStatus, string> = {
  pending: 'Waiting to be checked',
  processing: 'Being checked',
  processed: 'Checked',
  failed: 'Could not be read',
  rejected: 'Not accepted',
  superseded: 'Replaced by a renewed version',
};

/** Evidence whose processing has not finished yet. */
export const inFlight = (status: EvidenceStatus): boolean => status === 'pending' || status === 'processing';

export const CHECK_RESULT_LABELS: Record<CheckResult, string> = {
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Fail',
  not_applicable: 'Not applicable',
  error: 'Error',
};

const CHECK_LABELS: Record<string, string> = {
  'sbom.parsed': 'SBOM is well formed',
  'sbom.has_components': 'SBOM lists components',
  'sbom.identifiers': 'Components carry package identifiers',
  'sbom.hashes': 'Components carry hashes',
  'sbom.licences': 'Components declare licences',
  'sbom.dependency_graph': 'Dependency relationships present',
  'sbom.fresh': 'SBOM is recent',
  'sbom.primary_matches_product': 'SBOM describes the product',
  'security_txt.contact': 'security.txt names a contact',
  'security_txt.expires': 'security.txt is in date',
  'security_txt.policy': 'security.txt links a policy',
  'security_txt.encryption': 'Reports can be sent confidentially',
  'provenance.present': 'Build provenance present',
  'provenance.builder': 'Builder recorded',
  'certificate.valid': 'Certificate is valid',
  'provenance.signature': 'Provenance signature verified',
  'signature.verified': 'Signature verified',
  'security_txt.signature': 'security.txt signature verified',
  'vex.statements': 'VEX statements present',
  'vex.justified': 'Not-affected statements justified',
  'vex.products_matched': 'VEX speaks about what the supplier ships',
  'advisory.published': 'Security advisory published',
  'advisory.identifies_vulnerabilities': 'Advisory names its vulnerabilities',
  'end_of_life.published': 'End of security support dated',
  'declaration.code_requirements': 'Declaration attests the Code',
  'declaration.affirmed': 'Declaration affirmed',
  'end_of_life.notice': 'At least a year’s notice of end of security support',
  'product.eos_published': 'End-of-support date published',
  'product.eos_notice': 'At least a year’s notice of end of support',
};

export const checkLabel = (key: string): string => CHECK_LABELS[key] ?? key;

export const SEVERITY_LABELS: Record<Finding['severity'], string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low' };

export const FINDING_STATUS_LABELS: Record<Finding['status'], string> = {
  open: 'Open',
  in_remediation: 'In remediation',
  resolved: 'Resolved',
  accepted_risk: 'Risk accepted',
};
