import type { AnsweredInquiry } from './inquiries.repository';

export const OPENVEX_CONTEXT = 'https://openvex.dev/ns/v0.2.0';

export interface OpenVexStatement {
  '@id': string;
  vulnerability: { name: string; aliases?: string[] };
  timestamp: string;
  products: { '@id': string; subcomponents: { '@id': string }[] }[];
  status: string;
  supplier: string;
  justification?: string;
  impact_statement?: string;
  action_statement?: string;
  status_notes?: string;
}

/** An OpenVEX (v0.2.0) document. */
export interface OpenVexDocument {
  '@context': string;
  '@id': string;
  author: string;
  role: string;
  timestamp: string;
  version: number;
  tooling: string;
  statements: OpenVexStatement[];
}

/** The vulnerability's main name (its CVE when it has one) and the others as aliases. */
function vulnerability(externalIds: string[]): OpenVexStatement['vulnerability'] {
  const name = externalIds.find((id) => id.startsWith('CVE-')) ?? externalIds[0] ?? 'unknown';
  const aliases = externalIds.filter((id) => id !== name);
  return aliases.length ? { name, aliases } : { name };
}

/**
 * One statement per answered inquiry: the supplier's products (the product the SBOM was filed under,
 * else the supplier itself, as `urn:uuid:`) with the advisory's components in them as subcomponents
 * (their purls), and the answer in OpenVEX's words (`fixedIn` goes into `status_notes`, OpenVEX having
 * no field of its own for it). `version` counts every answer given, so a changed answer is a new version.
 */
export function openVexOf(documentId: string, externalIds: string[], answered: AnsweredInquiry[]): OpenVexDocument {
  const statements = answered.map((inquiry): OpenVexStatement => {
    const products = new Map<string, { '@id': string }[]>();
    for (const component of inquiry.components) {
      const product = `urn:uuid:${component.productId ?? inquiry.supplierId}`;
      products.set(product, [...(products.get(product) ?? []), { '@id': component.purl }]);
    }
    const answer = inquiry.answer;
    return {
      '@id': `urn:uuid:${inquiry.id}`,
      vulnerability: vulnerability(externalIds),
      timestamp: inquiry.answeredAt.toISOString(),
      products: [...products].map(([id, subcomponents]) => ({ '@id': id, subcomponents })),
      status: answer.status,
      supplier: inquiry.supplierName,
      ...(answer.justification ? { justification: answer.justification } : {}),
      ...(answer.impactStatement ? { impact_statement: answer.impactStatement } : {}),
      ...(answer.actionStatement ? { action_statement: answer.actionStatement } : {}),
      ...(answer.fixedIn ? { status_notes: `Fixed in ${answer.fixedIn}` } : {}),
    };
  });
  const latest = Math.max(...answered.map((inquiry) => inquiry.answeredAt.getTime()));
  return {
    '@context': OPENVEX_CONTEXT,
    '@id': documentId,
    author: 'Assay',
    role: 'Collects the answers of the suppliers asked about the vulnerability',
    timestamp: new Date(latest).toISOString(),
    version: Math.max(
      1,
      answered.reduce((sum, inquiry) => sum + inquiry.revision, 0),
    ),
    tooling: 'Assay supplier inquiries',
    statements,
  };
}
