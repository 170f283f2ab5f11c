import { ApiError, AttestationInput, AssessmentStatus, ClaimResponse, Evidence, Finding, Framework, PortalApi, PortalView, SignOffRequested } from './api';
import { Autosave, SaveOutcome, SaveState } from './autosave';
import { Draft, EDITABLE_STATUSES, MAX_EVIDENCE_PER_CLAIM, claimEvidenceIds, draftOf, draftProblem, evidenceChanged } from './claims';
import { inFlight } from './labels';
import { TOKEN_STORAGE_KEY } from './portal-token';

export type Phase = 'loading' | 'invalid' | 'failed' | 'ready';

export interface PortalState {
  phase: Phase;
  /** Why loading failed (phase `failed`). */
  loadError: string | null;
  view: PortalView | null;
  framework: Framework | null;
  evidence: Evidence[];
  /** Edits not saved yet, by claim. */
  drafts: Record<string, Draft>;
  /** Evidence attached on this page, by claim (an upload may answer with earlier evidence of the same content). */
  attached: Record<string, string[]>;
  saves: Record<string, SaveState>;
}

export type SubmitResult =
  | { kind: 'submitted' }
  | { kind: 'unsaved'; claimIds: string[] }
  | { kind: 'unanswered'; claimIds: string[] }
  | { kind: 'unconfirmed'; claimIds: string[] }
  | { kind: 'invalid'; errors: { field: string; message: string }[] }
  | { kind: 'error'; message: string };

export type EvidenceInput = { file: File } | { url: string };

export interface PortalStoreOptions {
  /** Session storage: unsaved edits survive a reload of the tab. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  evidencePollMs?: number;
  /** After evidence is checked, when to reload the assessment (check results reach it through events). */
  viewRefreshAfterMs?: readonly number[];
  autosaveDelayMs?: number;
  retryDelaysMs?: readonly number[];
}

const ANSWER_DELAY_MS = 250;

/**
 * A reloaded assessment, keeping answers saved while it was being read: a save that finished after
 * the server answered the read is newer than what the read brought back.
 */
export function mergeView(current: PortalView, fresh: PortalView): PortalView {
  const mine = new Map(current.claims.map((claim) => [claim.id, claim.response]));
  const claims = fresh.claims.map((claim) => {
    const saved = mine.get(claim.id);
    return saved && (!claim.response || saved.answeredAt > claim.response.answeredAt) ? { ...claim, response: saved } : claim;
  });
  const status = fresh.status === 'sent' && current.status === 'in_progress' ? current.status : fresh.status;
  return { ...fresh, status, claims, answeredCount: claims.filter((claim) => claim.response).length };
}

/**
 * Everything the portal page knows and does, outside the view layer: loading, autosaving answers,
 * attaching evidence and polling its checks, findings, submission. Listeners hear every change.
 */
export class PortalStore {
  state: PortalState = { phase: 'loading', loadError: null, view: null, framework: null, evidence: [], drafts: {}, attached: {}, saves: {} };
  readonly autosave: Autosave;
  private readonly listeners = new Set<() => void>();
  private pollTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly refreshTimers = new Set<ReturnType<typeof setTimeout>>();
  private readonly delayMs: number;

  constructor(
    private readonly api: PortalApi,
    private readonly options: PortalStoreOptions,
  ) {
    this.delayMs = options.autosaveDelayMs ?? 800;
    this.autosave = new Autosave({
      save: (claimId) => this.save(claimId),
      onState: (claimId, state) => this.update({ saves: { ...this.state.saves, [claimId]: state } }),
      delayMs: this.delayMs,
      retryDelaysMs: options.retryDelaysMs,
    });
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get editable(): boolean {
    return !!this.state.view && EDITABLE_STATUSES.includes(this.state.view.status);
  }

  async load(): Promise<void> {
    this.update({ phase: 'loading', loadError: null });
    try {
      const view = await this.api.view();
      // Without the catalogue the page shows plain titles; without the evidence list it shows none yet.
      const [framework, evidence] = await Promise.all([
        this.api.framework(view.framework.key, view.framework.version).catch(() => null),
        this.api.evidence([]).catch((): Evidence[] => []),
      ]);
      const kept = this.restore(view.id);
      this.update({ phase: 'ready', view, framework, evidence, drafts: kept.drafts, attached: kept.attached });
      if (!this.editable) return;
      for (const claimId of Object.keys(kept.drafts)) this.autosave.schedule(claimId);
      // Evidence submitted for a claim is cited by its answer, also when the page closed before saying so.
      for (const claim of view.claims) {
        if (claim.response && !kept.drafts[claim.id] && evidenceChanged(claim, claimEvidenceIds(claim, evidence))) this.resave(claim.id);
      }
      this.pollEvidence();
    } catch (error) {
      this.fail(error);
    }
  }

  /** The supplier changed a claim's answer or justification. */
  edit(claimId: string, change: Partial<Draft>): void {
    const claim = this.claim(claimId);
    if (!claim || !this.editable) return;
    const draft = { ...(this.state.drafts[claimId] ?? draftOf(claim.response)), ...change };
    this.setDrafts({ ...this.state.drafts, [claimId]: draft });
    this.autosave.schedule(claimId, change.answer !== undefined ? ANSWER_DELAY_MS : this.delayMs);
  }

  retrySave(claimId: string): void {
    void this.autosave.retry(claimId);
  }

  /** Uploads a file or submits a URL as evidence for one claim; its checks arrive by polling. */
  async attach(claimId: string, input: EvidenceInput, kind: string | null): Promise<void> {
    try {
      const accepted = 'file' in input ? await this.api.uploadEvidence(input.file, claimId, kind) : await this.api.linkEvidence(input.url, claimId, kind);
      const mine = this.state.attached[claimId] ?? [];
      if (!mine.includes(accepted.id)) this.setDrafts(this.state.drafts, { ...this.state.attached, [claimId]: [...mine, accepted.id] });
      await this.refreshEvidence();
      this.resave(claimId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.invalidate();
      throw error;
    }
  }

  async respondToFinding(findingId: string, remediationPlan: string, agreed: boolean): Promise<void> {
    try {
      const updated: Finding = await this.api.respondToFinding(findingId, { remediationPlan, agreed });
      const view = this.state.view as PortalView;
      this.update({ view: { ...view, findings: view.findings.map((finding) => (finding.id === updated.id ? { ...finding, ...updated } : finding)) } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.invalidate();
      throw error;
    }
  }

  /** Asks the customer to move the due date; the view then shows the pending request. */
  async requestExtension(requestedDueAt: string, reason: string): Promise<void> {
    try {
      await this.api.requestExtension({ requestedDueAt, reason });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.invalidate();
      if (error instanceof ApiError && error.status === 409) void this.refreshView();
      throw error;
    }
    await this.refreshView();
  }

  /** Saves what is outstanding, then submits with the attestation. */
  async submit(attestation: AttestationInput): Promise<SubmitResult> {
    await this.autosave.flush();
    const order = this.state.view?.claims.map((claim) => claim.id) ?? [];
    const unsaved = order.filter((claimId) => this.state.drafts[claimId]);
    if (unsaved.length) return { kind: 'unsaved', claimIds: unsaved };
    try {
      await this.api.submit(attestation);
      this.options.storage.removeItem(this.draftsKey());
      await this.refreshView();
      return { kind: 'submitted' };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) this.invalidate();
      if (error.status === 409 && error.problem.unansweredClaimIds?.length) return { kind: 'unanswered', claimIds: error.problem.unansweredClaimIds };
      if (error.status === 409 && error.problem.unconfirmedClaimIds?.length) return { kind: 'unconfirmed', claimIds: error.problem.unconfirmedClaimIds };
      if (error.status === 409) await this.refreshView();
      if (error.status === 400 && error.problem.errors?.length) return { kind: 'invalid', errors: error.problem.errors };
      return { kind: 'error', message: error.message };
    }
  }

  /** Asks the Senior Responsible Owner to sign off, after saving what is outstanding so they see every answer. */
  async requestSignOff(message: string | null): Promise<SignOffRequested> {
    await this.autosave.flush();
    try {
      return await this.api.requestSignOff(message);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.invalidate();
      throw error;
    }
  }

  /**
   * Confirms unchanged every answer carried forward to one principle's claims (answers being edited
   * are saved first, and a saved answer is no longer carried forward anyway).
   */
  async confirmPrinciple(principleId: string): Promise<void> {
    await this.autosave.flush();
    try {
      const confirmed = await this.api.confirmPrinciple(principleId);
      const view = this.state.view as PortalView;
      const ids = new Set(confirmed.confirmedClaimIds);
      const claims = view.claims.map((claim) =>
        ids.has(claim.id) && claim.response ? { ...claim, response: { ...claim.response, carriedForward: false, importedFrom: null } } : claim,
      );
      this.update({ view: { ...view, status: confirmed.status, claims } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.invalidate();
      if (error instanceof ApiError && error.status === 409) void this.refreshView();
      throw error;
    }
  }

  async refreshView(): Promise<void> {
    try {
      const fresh = await this.api.view();
      this.update({ view: this.state.view ? mergeView(this.state.view, fresh) : fresh });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.invalidate();
    }
  }

  async refreshEvidence(): Promise<void> {
    const listed = new Set(this.state.evidence.map((item) => item.id));
    const cited = new Set([
      ...(this.state.view?.claims.flatMap((claim) => claim.response?.evidenceIds ?? []) ?? []),
      ...Object.values(this.state.attached).flat(),
    ]);
    const elsewhere = [...cited].filter((id) => !listed.has(id)).slice(0, MAX_EVIDENCE_PER_CLAIM);
    try {
      const before = new Map(this.state.evidence.map((item) => [item.id, item.status]));
      const evidence = await this.api.evidence(elsewhere);
      this.update({ evidence });
      const finished = evidence.some((item) => !inFlight(item.status) && inFlight(before.get(item.id) ?? 'pending'));
      if (finished) this.refreshViewSoon();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return this.invalidate();
    }
    this.pollEvidence();
  }

  dispose(): void {
    this.autosave.dispose();
    if (this.pollTimer) clearTimeout(this.pollTimer);
    for (const timer of this.refreshTimers) clearTimeout(timer);
    this.listeners.clear();
  }

  private claim(claimId: string) {
    return this.state.view?.claims.find((claim) => claim.id === claimId);
  }

  /** Saves a claim's answer again (its cited evidence changed), when it has one. */
  private resave(claimId: string): void {
    const claim = this.claim(claimId);
    if (!claim || !this.editable || (!claim.response && !this.state.drafts[claimId])) return;
    if (!this.state.drafts[claimId]) this.setDrafts({ ...this.state.drafts, [claimId]: draftOf(claim.response) });
    this.autosave.schedule(claimId, ANSWER_DELAY_MS);
  }

  private async save(claimId: string): Promise<SaveOutcome> {
    const claim = this.claim(claimId);
    const draft = this.state.drafts[claimId];
    if (!claim || !draft) return { kind: 'saved' };
    const problem = draftProblem(draft);
    if (problem || !draft.answer) return { kind: 'incomplete', message: problem ?? '' };
    const evidenceIds = claimEvidenceIds(claim, this.state.evidence, this.state.attached[claimId]);
    try {
      const saved = await this.api.answer(claimId, { answer: draft.answer, justification: draft.justification.trim() || undefined, evidenceIds });
      this.applySaved(claimId, saved.status, saved.response);
      if (this.state.drafts[claimId] === draft) {
        const { [claimId]: _saved, ...rest } = this.state.drafts;
        this.setDrafts(rest);
      }
      return { kind: 'saved' };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status === 401) this.invalidate();
      if (error.status === 409) void this.refreshView();
      const passing = error.status === 0 || error.status === 429 || error.status >= 500;
      return { kind: 'failed', message: passing ? 'Not saved yet: the server could not be reached' : error.message, retry: passing };
    }
  }

  private applySaved(claimId: string, status: AssessmentStatus, response: ClaimResponse): void {
    const view = this.state.view as PortalView;
    const claims = view.claims.map((claim) => (claim.id === claimId ? { ...claim, response } : claim));
    this.update({ view: { ...view, status, claims, answeredCount: claims.filter((claim) => claim.response).length } });
  }

  private pollEvidence(): void {
    if (this.pollTimer || !this.state.evidence.some((item) => inFlight(item.status))) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = null;
      void this.refreshEvidence();
    }, this.options.evidencePollMs ?? 2_000);
  }

  private refreshViewSoon(): void {
    for (const delay of this.options.viewRefreshAfterMs ?? [1_500, 5_000]) {
      const timer = setTimeout(() => {
        this.refreshTimers.delete(timer);
        void this.refreshView();
      }, delay);
      this.refreshTimers.add(timer);
    }
  }

  private fail(error: unknown): void {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return this.invalidate();
    this.update({ phase: 'failed', loadError: error instanceof Error ? error.message : String(error) });
  }

  /** The token no longer opens anything: forget it and everything it showed. */
  private invalidate(): void {
    this.options.storage.removeItem(TOKEN_STORAGE_KEY);
    this.autosave.dispose();
    this.update({ phase: 'invalid', view: null, framework: null, evidence: [], drafts: {}, attached: {}, saves: {} });
  }

  private draftsKey(id = this.state.view?.id): string {
    return `assay.portal.drafts.${id ?? ''}`;
  }

  private restore(assessmentId: string): Pick<PortalState, 'drafts' | 'attached'> {
    try {
      const kept = JSON.parse(this.options.storage.getItem(this.draftsKey(assessmentId)) ?? '{}') as Partial<Pick<PortalState, 'drafts' | 'attached'>>;
      return { drafts: kept.drafts ?? {}, attached: kept.attached ?? {} };
    } catch {
      return { drafts: {}, attached: {} };
    }
  }

  private setDrafts(drafts: Record<string, Draft>, attached = this.state.attached): void {
    this.update({ drafts, attached });
    this.options.storage.setItem(this.draftsKey(), JSON.stringify({ drafts, attached }));
  }

  private update(change: Partial<PortalState>): void {
    this.state = { ...this.state, ...change };
    for (const listener of this.listeners) listener();
  }
}
