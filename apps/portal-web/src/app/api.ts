/** The supplier portal API as the page uses it (see docs/assessments.md, "Supplier portal"). */

export type ClaimAnswer = 'met' | 'partially_met' | 'not_met' | 'not_applicable';
export type AssessmentStatus = 'draft' | 'sent' | 'in_progress' | 'submitted' | 'in_review' | 'returned' | 'completed' | 'cancelled';
export type CheckResult = 'pass' | 'fail' | 'warn' | 'not_applicable' | 'error';
export type EvidenceStatus = 'pending' | 'processing' | 'processed' | 'failed' | 'rejected';

export interface ClaimResponse {
  answer: ClaimAnswer;
  justification: string | null;
  evidenceIds: string[];
  answeredAt: string;
  /** Copied from the previous assessment: confirm it unchanged or change it before submitting. */
  carriedForward?: boolean;
}

export interface ClaimCheck {
  key: string;
  evidenceId: string | null;
  evidenceKind: string | null;
  result: CheckResult;
  detail: string;
  validUntil: string | null;
}

export interface PortalClaim {
  id: string;
  themeId: string;
  principleId: string;
  text: string;
  evidenceKinds: string[];
  response: ClaimResponse | null;
  review: { verdict: 'accepted' | 'returned'; comment: string | null; reviewedAt: string } | null;
  checks: ClaimCheck[];
}

export interface Attestation {
  name: string;
  role: string;
  email: string;
  statement: boolean;
  responsesSha256: string;
  signedAt: string;
}

export interface Finding {
  id: string;
  claimId: string;
  severity: 'critical' | 'high' | 'medium' | 'low';
  title: string;
  description: string | null;
  status: 'open' | 'in_remediation' | 'resolved' | 'accepted_risk';
  remediationDueAt: string | null;
  remediationPlan: string | null;
  supplierAgreed: boolean | null;
}

export interface PortalView {
  id: string;
  customerName: string | null;
  supplier: { id: string; name: string };
  product: { id: string; name: string | null } | null;
  contact: { id: string; name: string | null };
  framework: { key: string; version: string };
  status: AssessmentStatus;
  dueAt: string;
  overdue: boolean;
  claimCount: number;
  answeredCount: number;
  claims: PortalClaim[];
  attestation: Attestation | null;
  returnMessage: string | null;
  findings: Finding[];
}

export interface EvidenceCheck {
  key: string;
  claimIds: string[];
  result: CheckResult;
  detail: string;
}

export interface Evidence {
  id: string;
  claimIds: string[];
  kind: string | null;
  status: EvidenceStatus;
  source: 'upload' | 'url';
  url: string | null;
  filename: string | null;
  size: number | null;
  checks: EvidenceCheck[];
  validUntil: string | null;
  error: string | null;
  createdAt: string;
}

export interface Framework {
  key: string;
  version: string;
  name: string;
  publisher: string;
  url: string;
  attribution: string;
  themes: { id: string; title: string; principles: { id: string; title: string; claims: { id: string }[] }[] }[];
}

export interface AttestationInput {
  name: string;
  role: string;
  email: string;
  statement: boolean;
}

/** An RFC 9457 problem document, with the fields the portal routes add. */
export interface Problem {
  status: number;
  title?: string;
  detail?: string;
  errors?: { field: string; message: string }[];
  unansweredClaimIds?: string[];
  unconfirmedClaimIds?: string[];
}

/** A refused or failed request; status 0 when the network failed before any answer. */
export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }

  get status(): number {
    return this.problem.status;
  }
}

type Fetch = typeof fetch;

/** Calls the portal routes with the portal token (the catalogue is public and called without it). */
export class PortalApi {
  constructor(
    private readonly token: string,
    private readonly fetcher: Fetch = (input, init) => fetch(input, init),
  ) {}

  view(): Promise<PortalView> {
    return this.request('/api/v1/portal/assessment');
  }

  framework(key: string, version: string): Promise<Framework> {
    return this.request(`/api/v1/frameworks/${encodeURIComponent(key)}?version=${encodeURIComponent(version)}`, { anonymous: true });
  }

  /** The assessment's evidence, plus earlier evidence of the supplier named in `ids`. */
  async evidence(ids: string[]): Promise<Evidence[]> {
    const query = ids.length ? `?ids=${ids.map(encodeURIComponent).join(',')}` : '';
    return (await this.request<{ data: Evidence[] }>(`/api/v1/portal/assessment/evidence${query}`)).data;
  }

  answer(
    claimId: string,
    body: { answer: ClaimAnswer; justification?: string; evidenceIds: string[] },
  ): Promise<{ claimId: string; status: AssessmentStatus; response: ClaimResponse }> {
    // keepalive lets a save started as the page closes still reach the server.
    return this.request(`/api/v1/portal/assessment/responses/${encodeURIComponent(claimId)}`, { method: 'PUT', json: body, keepalive: true });
  }

  /** Confirms unchanged every answer carried forward to the claims of one principle. */
  confirmPrinciple(principleId: string): Promise<{ principleId: string; status: AssessmentStatus; confirmedClaimIds: string[] }> {
    return this.request(`/api/v1/portal/assessment/principles/${encodeURIComponent(principleId)}/confirm`, { method: 'POST' });
  }

  uploadEvidence(file: File, claimId: string, kind: string | null): Promise<{ id: string; status: EvidenceStatus }> {
    const body = new FormData();
    body.append('claimIds', claimId);
    if (kind) body.append('kind', kind);
    body.append('file', file, file.name);
    return this.request('/api/v1/portal/assessment/evidence', { method: 'POST', body });
  }

  linkEvidence(url: string, claimId: string, kind: string | null): Promise<{ id: string; status: EvidenceStatus }> {
    return this.request('/api/v1/portal/assessment/evidence', { method: 'POST', json: { url, claimIds: [claimId], ...(kind ? { kind } : {}) } });
  }

  submit(attestation: AttestationInput): Promise<{ status: AssessmentStatus; attestation: Attestation }> {
    return this.request('/api/v1/portal/assessment/submit', { method: 'POST', json: { attestation } });
  }

  respondToFinding(id: string, body: { remediationPlan: string; agreed: boolean }): Promise<Finding> {
    return this.request(`/api/v1/portal/findings/${encodeURIComponent(id)}`, { method: 'PATCH', json: body });
  }

  private async request<T>(
    path: string,
    options: { method?: string; json?: unknown; body?: FormData; anonymous?: boolean; keepalive?: boolean } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (!options.anonymous) headers['authorization'] = `Bearer ${this.token}`;
    if (options.json !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetcher(path, {
        method: options.method ?? 'GET',
        headers,
        body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
        credentials: 'omit',
        cache: 'no-store',
        keepalive: options.keepalive ?? false,
      });
    } catch {
      throw new ApiError({ status: 0, title: 'The server could not be reached; check your connection' });
    }
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok)
      throw new ApiError({ title: response.statusText, ...(typeof body === 'object' && body ? (body as Partial<Problem>) : {}), status: response.status });
    return body as T;
  }
}
