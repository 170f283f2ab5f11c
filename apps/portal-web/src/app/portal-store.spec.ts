import { memoryStorage, portalClaim, portalEvidence } from './test-fixtures';
import { ApiError, Evidence, PortalApi, PortalClaim, PortalView } from './api';
import { PortalStore, mergeView } from './portal-store';
import { TOKEN_STORAGE_KEY } from './portal-token';

const claim = portalClaim;

function viewOf(claims: PortalClaim[], status: PortalView['status'] = 'sent'): PortalView {
  return {
    id: 'a1',
    customerName: 'Northwind Bank',
    supplier: { id: 's1', name: 'Acme' },
    product: null,
    contact: { id: 'c1', name: 'Robin' },
    seniorResponsibleOwner: { name: 'Robin' },
    canSubmit: true,
    framework: { key: 'uk-sscop', version: '2025-05-07' },
    status,
    dueAt: '2030-01-01T00:00:00.000Z',
    overdue: false,
    claimCount: claims.length,
    answeredCount: 0,
    claims,
    attestation: null,
    returnMessage: null,
    extensionRequest: null,
    findings: [],
  };
}

const sbom = (status: Evidence['status']): Evidence => portalEvidence({ status });

function fakeApi(view: PortalView, evidence: Evidence[][] = [[]]) {
  const answers: { claimId: string; body: { answer: string; justification?: string; evidenceIds: string[] } }[] = [];
  const api = {
    answers,
    view: jest.fn(async () => view),
    framework: jest.fn(async () => null),
    evidence: jest.fn(async () => (evidence.length > 1 ? (evidence.shift() as Evidence[]) : (evidence[0] as Evidence[]))),
    answer: jest.fn(async (claimId: string, body: { answer: 'met'; justification?: string; evidenceIds: string[] }) => {
      answers.push({ claimId, body });
      return {
        claimId,
        status: 'in_progress' as const,
        response: { answer: body.answer, justification: body.justification ?? null, evidenceIds: body.evidenceIds, answeredAt: '2026-01-01T00:00:00.000Z' },
      };
    }),
    submit: jest.fn(),
    confirmPrinciple: jest.fn(async (principleId: string) => ({ principleId, status: 'in_progress' as const, confirmedClaimIds: ['1.1.1'] })),
  };
  return api;
}

const storeWith = (api: ReturnType<typeof fakeApi>, storage = memoryStorage()) =>
  new PortalStore(api as unknown as PortalApi, { storage, autosaveDelayMs: 100, evidencePollMs: 1_000, viewRefreshAfterMs: [500], retryDelaysMs: [1_000] });

describe('PortalStore', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('saves an edit once it is complete, citing the evidence submitted for the claim, and keeps unsaved edits across a reload', async () => {
    const api = fakeApi(viewOf([claim('1.2.1')]), [[sbom('processed')]]);
    const storage = memoryStorage();
    const store = storeWith(api, storage);
    await store.load();
    store.edit('1.2.1', { answer: 'not_met' });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(api.answers).toEqual([]);
    expect(store.state.saves['1.2.1']).toMatchObject({ kind: 'incomplete' });
    expect(JSON.parse(storage.items.get('assay.portal.drafts.a1') as string).drafts).toEqual({ '1.2.1': { answer: 'not_met', justification: '' } });

    // A reload finds the unsaved edit and carries on from it.
    const reloaded = storeWith(api, storage);
    await reloaded.load();
    expect(reloaded.state.drafts['1.2.1']).toEqual({ answer: 'not_met', justification: '' });
    reloaded.edit('1.2.1', { justification: 'Not yet' });
    await jest.advanceTimersByTimeAsync(1_000);
    expect(api.answers).toEqual([{ claimId: '1.2.1', body: { answer: 'not_met', justification: 'Not yet', evidenceIds: ['e1'] } }]);
    expect(reloaded.state.saves['1.2.1']).toEqual({ kind: 'saved' });
    expect(reloaded.state.drafts).toEqual({});
    expect(reloaded.state.view?.claims[0]?.response?.answer).toBe('not_met');
    expect(reloaded.state.view?.status).toBe('in_progress');
  });

  it('polls evidence until it is checked, then reloads the assessment for the checks it produced', async () => {
    const api = fakeApi(viewOf([claim('1.2.1')]), [[sbom('pending')], [sbom('processing')], [sbom('processed')]]);
    const store = storeWith(api);
    await store.load();
    expect(api.view).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(store.state.evidence[0]?.status).toBe('processing');
    await jest.advanceTimersByTimeAsync(1_000);
    expect(store.state.evidence[0]?.status).toBe('processed');
    await jest.advanceTimersByTimeAsync(500);
    expect(api.view).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(api.evidence).toHaveBeenCalledTimes(3);
  });

  it('does not submit while an edit is unsaved, and passes on the claims the API says are unanswered', async () => {
    const api = fakeApi(viewOf([claim('1.1.1'), claim('1.1.2')]));
    const store = storeWith(api);
    await store.load();
    store.edit('1.1.2', { answer: 'not_applicable' });
    const attestation = { name: 'Robin', role: 'CTO', email: 'robin@acme.test', statement: true };
    expect(await store.submit(attestation)).toEqual({ kind: 'unsaved', claimIds: ['1.1.2'] });
    expect(api.submit).not.toHaveBeenCalled();

    store.edit('1.1.2', { justification: 'We resell only' });
    api.submit.mockRejectedValueOnce(new ApiError({ status: 409, detail: '1 applicable claim(s) are not answered yet', unansweredClaimIds: ['1.1.1'] }));
    expect(await store.submit(attestation)).toEqual({ kind: 'unanswered', claimIds: ['1.1.1'] });
    expect(api.answers.map((saved) => saved.claimId)).toEqual(['1.1.2']);
  });

  it('confirms the carried-forward answers of a principle and names the unconfirmed ones a submission was refused for', async () => {
    const carried = {
      answer: 'met' as const,
      justification: null,
      evidenceIds: [],
      answeredAt: '2025-01-01T00:00:00.000Z',
      carriedForward: true,
      importedFrom: null,
    };
    const api = fakeApi(viewOf([claim('1.1.1', carried), claim('1.2.1', carried)]));
    const store = storeWith(api);
    await store.load();
    const attestation = { name: 'Robin', role: 'CTO', email: 'robin@acme.test', statement: true };
    api.submit.mockRejectedValueOnce(new ApiError({ status: 409, detail: 'not confirmed yet', unconfirmedClaimIds: ['1.1.1', '1.2.1'] }));
    expect(await store.submit(attestation)).toEqual({ kind: 'unconfirmed', claimIds: ['1.1.1', '1.2.1'] });

    await store.confirmPrinciple('1.1');
    expect(api.confirmPrinciple).toHaveBeenCalledWith('1.1');
    expect(store.state.view?.status).toBe('in_progress');
    expect(store.state.view?.claims.map((item) => item.response?.carriedForward)).toEqual([false, true]);
    expect(api.answer).not.toHaveBeenCalled();
  });

  it('forgets the token and everything shown when the link stops working', async () => {
    const api = fakeApi(viewOf([claim('1.1.1')]));
    api.view.mockRejectedValueOnce(new ApiError({ status: 401, detail: 'The portal link is not valid, has expired or was withdrawn' }));
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: 'assay_portal_token' });
    const store = storeWith(api, storage);
    await store.load();
    expect(store.state.phase).toBe('invalid');
    expect(storage.items.has(TOKEN_STORAGE_KEY)).toBe(false);
  });

  it('shows an assessment that is no longer open read-only and saves nothing', async () => {
    const api = fakeApi(viewOf([claim('1.1.1')], 'submitted'));
    const store = storeWith(api, memoryStorage({ 'assay.portal.drafts.a1': JSON.stringify({ drafts: { '1.1.1': { answer: 'met', justification: '' } } }) }));
    await store.load();
    expect(store.editable).toBe(false);
    store.edit('1.1.1', { answer: 'not_met' });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(api.answer).not.toHaveBeenCalled();
  });

  it('keeps answers saved while a reload of the assessment was on its way', () => {
    const at = (time: string) => ({
      answer: 'met' as const,
      justification: null,
      evidenceIds: [],
      carriedForward: false,
      importedFrom: null,
      answeredAt: `2026-01-01T00:00:0${time}.000Z`,
    });
    const current = viewOf([claim('1.1.1', at('5')), claim('1.1.2', at('5')), claim('1.1.3', at('1'))], 'in_progress');
    const fresh = viewOf(
      [claim('1.1.1'), claim('1.1.2', at('1')), claim('1.1.3', { ...at('7'), answer: 'not_met', justification: 'Changed elsewhere' })],
      'sent',
    );
    const merged = mergeView(current, fresh);
    expect(merged.claims.map((item) => item.response?.answeredAt.slice(17, 19))).toEqual(['05', '05', '07']);
    expect(merged.claims[2]?.response?.answer).toBe('not_met');
    expect(merged).toMatchObject({ status: 'in_progress', answeredCount: 3 });
    expect(mergeView(current, { ...fresh, status: 'submitted' }).status).toBe('submitted');
  });
});
