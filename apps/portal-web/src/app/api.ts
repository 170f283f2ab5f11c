/**
 * The supplier portal API as the page uses it (see docs/assessments.md, "Supplier portal"): the typed
 * client generated from the OpenAPI document (`@assay/shared/api-client`), so these types are the
 * server's own.
 */
import { createAssayClient, type AssayClient, type Schemas, type paths } from '@assay/shared/api-client';

/** The JSON body of an operation's success response. */
type Success<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 202 ? (R[S] extends { content: { 'application/json': infer B } } ? B : never) : never }[keyof R]
  : never;

export type PortalView = Success<'/api/v1/portal/assessment', 'get'>;
export type PortalClaim = PortalView['claims'][number];
export type ClaimResponse = Schemas['ClaimResponseView'];
export type ClaimAnswer = ClaimResponse['answer'];
export type AssessmentStatus = PortalView['status'];
export type ClaimCheck = PortalClaim['checks'][number];
export type Attestation = Schemas['AttestationView'];
export type Finding = PortalView['findings'][number];
export type Evidence = Schemas['Evidence'];
export type EvidenceCheck = Evidence['checks'][number];
export type EvidenceStatus = Evidence['status'];
/** A check's outcome (the checks beside an answer carry it as a plain string). */
export type CheckResult = EvidenceCheck['result'];
export type Framework = Schemas['FrameworkDocument'];
export type AttestationInput = Schemas['AttestationDto'];
type AcceptedEvidence = Success<'/api/v1/portal/assessment/evidence', 'post'>;
export type SignOffRequested = Success<'/api/v1/portal/assessment/sign-off-request', 'post'>;
export type RenewalView = Success<'/api/v1/portal/renewal', 'get'>;
export type PortalFinding = Success<'/api/v1/portal/findings', 'get'>['data'][number];
type AcceptedRenewal = Success<'/api/v1/portal/renewal/evidence', 'post'>;
export type InquiryView = Success<'/api/v1/portal/inquiry', 'get'>;
export type InquiryAnswer = Schemas['InquiryAnswerDto'];
export type InquiryVexUpload = Schemas['InquiryVexUpload'];
/** Which kind of link the page was opened with: each opens its own view. */
export type LinkKind = 'assessment' | 'renewal' | 'findings' | 'inquiry';

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

/** Calls the portal routes with the portal token (the catalogue is public and called without it). */
export class PortalApi {
  private readonly client: AssayClient;
  private readonly anonymous: AssayClient;

  constructor(token: string, fetcher: (request: Request) => Promise<Response> = (request) => fetch(request)) {
    const options = { headers: { accept: 'application/json' }, fetch: fetcher, credentials: 'omit', cache: 'no-store' } as const;
    this.client = createAssayClient({ ...options, token });
    this.anonymous = createAssayClient(options);
  }

  view(): Promise<PortalView> {
    return this.call(() => this.client.GET('/api/v1/portal/assessment'));
  }

  async framework(key: string, version: string): Promise<Framework> {
    const framework = await this.call(() => this.anonymous.GET('/api/v1/frameworks/{key}', { params: { path: { key }, query: { version } } }));
    // Without `format` the framework document comes back (the CycloneDX form only when asked for).
    if (!('themes' in framework)) throw new Error(`framework ${key} came back in another format`);
    return framework;
  }

  /** The assessment's evidence, plus earlier evidence of the supplier named in `ids`. */
  async evidence(ids: string[]): Promise<Evidence[]> {
    const query = ids.length ? { ids } : {};
    return (await this.call(() => this.client.GET('/api/v1/portal/assessment/evidence', { params: { query } }))).data;
  }

  answer(
    claimId: string,
    body: { answer: ClaimAnswer; justification?: string; evidenceIds: string[] },
  ): Promise<{ claimId: string; status: AssessmentStatus; response: ClaimResponse }> {
    // keepalive lets a save started as the page closes still reach the server.
    return this.call(() => this.client.PUT('/api/v1/portal/assessment/responses/{claimId}', { params: { path: { claimId } }, body, keepalive: true }));
  }

  /** Confirms unchanged every answer carried forward to the claims of one principle. */
  confirmPrinciple(principleId: string) {
    return this.call(() => this.client.POST('/api/v1/portal/assessment/principles/{principleId}/confirm', { params: { path: { principleId } } }));
  }

  uploadEvidence(file: File, claimId: string, kind: string | null): Promise<AcceptedEvidence> {
    const form = new FormData();
    form.append('claimIds', claimId);
    if (kind) form.append('kind', kind);
    form.append('file', file, file.name);
    // The route also takes multipart uploads, sent as they are (the browser sets the boundary).
    return this.call(() => this.client.POST('/api/v1/portal/assessment/evidence', { body: {} as Schemas['PortalUrlEvidenceDto'], bodySerializer: () => form }));
  }

  linkEvidence(url: string, claimId: string, kind: string | null): Promise<AcceptedEvidence> {
    const body: Schemas['PortalUrlEvidenceDto'] = { url, claimIds: [claimId], ...(kind ? { kind: kind as Evidence['kind'] } : {}) };
    return this.call(() => this.client.POST('/api/v1/portal/assessment/evidence', { body }));
  }

  submit(attestation: AttestationInput): Promise<{ status: AssessmentStatus; attestation: Attestation }> {
    return this.call(() => this.client.POST('/api/v1/portal/assessment/submit', { body: { attestation } }));
  }

  requestExtension(body: { requestedDueAt: string; reason: string }) {
    return this.call(() => this.client.POST('/api/v1/portal/assessment/extension-requests', { body }));
  }

  /** Asks the supplier's Senior Responsible Owner to review and sign (they are emailed a link of their own). */
  requestSignOff(message: string | null): Promise<SignOffRequested> {
    return this.call(() => this.client.POST('/api/v1/portal/assessment/sign-off-request', { body: message ? { message } : {} }));
  }

  respondToFinding(id: string, body: { remediationPlan: string; agreed: boolean }): Promise<Finding> {
    return this.call(() => this.client.PATCH('/api/v1/portal/findings/{id}', { params: { path: { id } }, body }));
  }

  /** The evidence a renewal link is for, and whether it can be renewed. */
  renewal(): Promise<RenewalView> {
    return this.call(() => this.client.GET('/api/v1/portal/renewal'));
  }

  /** Uploads the renewed document: it replaces the old one. */
  renewEvidence(file: File, validUntil: string | null): Promise<AcceptedRenewal> {
    const form = new FormData();
    if (validUntil) form.append('validUntil', validUntil);
    form.append('file', file, file.name);
    return this.call(() => this.client.POST('/api/v1/portal/renewal/evidence', { body: {} as Schemas['RenewalUrlEvidenceDto'], bodySerializer: () => form }));
  }

  /** The findings this link may answer (a findings link: every finding of the supplier). */
  async findings(): Promise<PortalFinding[]> {
    return (await this.call(() => this.client.GET('/api/v1/portal/findings'))).data;
  }

  /** The inquiry an inquiry link is for: the advisory, the supplier's components it names, the answer so far. */
  inquiry(): Promise<InquiryView> {
    return this.call(() => this.client.GET('/api/v1/portal/inquiry'));
  }

  /** Uploads a VEX document as the answer to the inquiry; the worker reads it (see `inquiryVexUpload`). */
  uploadInquiryVex(file: File): Promise<InquiryVexUpload> {
    const form = new FormData();
    form.append('file', file, file.name);
    // Sent as it is (the browser sets the boundary).
    return this.call(() => this.client.POST('/api/v1/portal/inquiry/vex', { body: {} as { file: string }, bodySerializer: () => form }));
  }

  /** One VEX uploaded for the inquiry and what came of it so far. */
  inquiryVexUpload(evidenceId: string): Promise<InquiryVexUpload> {
    return this.call(() => this.client.GET('/api/v1/portal/inquiry/vex/{evidenceId}', { params: { path: { evidenceId } } }));
  }

  /** Answers the inquiry in OpenVEX terms (a later answer replaces it). */
  answerInquiry(body: InquiryAnswer): Promise<InquiryView> {
    return this.call(() => this.client.PUT('/api/v1/portal/inquiry', { body }));
  }

  /**
   * The kind of link this token is, by what it may open: an assessment link opens the assessment, a
   * renewal link its evidence, a findings link the findings, an inquiry link only its inquiry (a 401 is
   * a link that opens nothing).
   */
  async linkKind(): Promise<LinkKind> {
    const refused = async (open: () => Promise<unknown>): Promise<boolean> => {
      try {
        await open();
        return false;
      } catch (error) {
        if (error instanceof ApiError && error.status === 403) return true;
        throw error;
      }
    };
    if (!(await refused(() => this.view()))) return 'assessment';
    if (!(await refused(() => this.renewal()))) return 'renewal';
    if (!(await refused(() => this.findings()))) return 'findings';
    await this.inquiry();
    return 'inquiry';
  }

  /** The success body, or an ApiError with the problem document (status 0 when the network failed). */
  private async call<T>(send: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let result: { data?: T; error?: unknown; response: Response };
    try {
      result = await send();
    } catch {
      throw new ApiError({ status: 0, title: 'The server could not be reached; check your connection' });
    }
    const { data, error, response } = result;
    if (!response.ok) {
      throw new ApiError({ title: response.statusText, ...(typeof error === 'object' && error ? (error as Partial<Problem>) : {}), status: response.status });
    }
    return data as T;
  }
}
