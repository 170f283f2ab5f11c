import type { Evidence, PortalClaim } from './api';

/** A `Storage` kept in memory, for tests of what the page keeps in `sessionStorage`. */
export function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
}

/** A claim of the portal view (`1.2.3` → theme 1, principle 1.2), unanswered unless given a response. */
export function portalClaim(id: string, response: PortalClaim['response'] = null): PortalClaim {
  const [theme, principle] = id.split('.');
  return {
    id,
    themeId: theme as string,
    principleId: `${theme}.${principle}`,
    text: `Claim ${id}`,
    evidenceKinds: [],
    response,
    review: null,
    checks: [],
    changedSincePrevious: null,
  };
}

/** A piece of evidence as the portal lists it: an SBOM upload, changed by `overrides`. */
export function portalEvidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    id: 'e1',
    supplierId: 'supplier-1',
    productId: null,
    assessmentId: null,
    claimIds: ['1.2.1'],
    kind: 'sbom',
    sha256: null,
    mediaType: 'application/json',
    facts: {},
    processedAt: null,
    status: 'processed',
    source: 'upload',
    url: null,
    filename: 'bom.json',
    size: 100,
    checks: [],
    title: null,
    validFrom: null,
    validUntil: null,
    supersedes: null,
    supersededBy: null,
    error: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}
