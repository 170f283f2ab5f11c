import { useEffect, useState } from 'preact/hooks';
import { ApiError, type PortalApi, type PortalFinding, type RenewalView } from './api';
import { FindingsSection } from './findings';
import { formatDate } from './labels';
import { FormActions, Masthead, type FormState } from './layout';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A renewal link: the document to renew, and the upload of its current version (which replaces it). */
export function RenewalPage({ api, initial }: { api: PortalApi; initial: RenewalView }) {
  const [view, setView] = useState(initial);
  const [file, setFile] = useState<File | null>(null);
  const [validUntil, setValidUntil] = useState('');
  const [state, setState] = useState<FormState>({ tone: 'idle', text: '' });
  const evidence = view.evidence;
  const name = evidence.title ?? evidence.filename ?? `${evidence.kind ?? 'evidence'} document`;
  const renewable = view.renewal === 'expiring' || view.renewal === 'expired';

  useEffect(() => {
    document.title = `Renew ${name} · Assay`;
  }, [name]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!file) return setState({ tone: 'error', text: 'Choose the renewed document to upload.' });
    setState({ tone: 'busy', text: 'Uploading…' });
    try {
      await api.renewEvidence(file, validUntil ? new Date(`${validUntil}T23:59:59Z`).toISOString() : null);
      setView(await api.renewal().catch(() => ({ ...view, renewal: 'renewed' as const })));
      setState({ tone: 'ok', text: 'Received: the renewed document replaces the old one.' });
    } catch (error) {
      setState({ tone: 'error', text: `Not uploaded: ${message(error)}` });
    }
  };

  return (
    <>
      <Masthead>Evidence renewal</Masthead>
      <main id="main" class="wrap narrow renewal" data-view="renewal">
        <p class="eyebrow">{view.supplier.name ?? 'Your organisation'}</p>
        <h1>Renew {name}</h1>
        <dl class="facts">
          <div>
            <dt>Valid until</dt>
            <dd>{evidence.validUntil ? formatDate(evidence.validUntil) : 'No end date'}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd data-testid="renewal-status">{RENEWAL_LABELS[view.renewal]}</dd>
          </div>
        </dl>
        {renewable ? (
          <form onSubmit={submit} class="renewal-form">
            <p class="hint">Upload the current version of this document. It replaces the old one for your customer; there is no assessment to fill in.</p>
            <div class="field">
              <label for="renewal-file">Renewed document</label>
              <input id="renewal-file" type="file" onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)} />
            </div>
            <div class="field">
              <label for="renewal-valid-until">Valid until (optional)</label>
              <input id="renewal-valid-until" type="date" value={validUntil} onInput={(event) => setValidUntil(event.currentTarget.value)} />
            </div>
            <FormActions label="Upload the renewed document" state={state} />
          </form>
        ) : (
          <p role="status">{state.text || RENEWAL_HINTS[view.renewal]}</p>
        )}
      </main>
    </>
  );
}

const RENEWAL_LABELS: Record<RenewalView['renewal'], string> = {
  expiring: 'Expiring soon',
  expired: 'Expired',
  renewed: 'Renewed',
  current: 'Current',
};

const RENEWAL_HINTS: Record<RenewalView['renewal'], string> = {
  expiring: '',
  expired: '',
  renewed: 'This document has been renewed: nothing more to do.',
  current: 'This document is not due for renewal yet.',
};

/** A findings link: every finding of the supplier, each answered with a plan and whether it agrees. */
export function FindingsPage({ api, initial }: { api: PortalApi; initial: PortalFinding[] }) {
  const [findings, setFindings] = useState(initial);

  useEffect(() => {
    document.title = 'Findings to answer · Assay';
  }, []);

  const respond = async (findingId: string, plan: string, agreed: boolean) => {
    const saved = await api.respondToFinding(findingId, { remediationPlan: plan, agreed });
    setFindings((current) => current.map((finding) => (finding.id === saved.id ? { ...finding, ...saved } : finding)));
  };

  return (
    <>
      <Masthead>Findings</Masthead>
      <main id="main" class="wrap narrow" data-view="findings">
        <h1>Findings to answer</h1>
        {findings.length ? <FindingsSection findings={findings} onRespond={respond} /> : <p role="status">There are no findings to answer.</p>}
      </main>
    </>
  );
}

/** Opens the view of a renewal or findings link (whichever `kind` is), or says the link cannot be used. */
export function ScopedLinkPage({ api, kind, onInvalid }: { api: PortalApi; kind: 'renewal' | 'findings'; onInvalid: () => void }) {
  const [loaded, setLoaded] = useState<{ renewal?: RenewalView; findings?: PortalFinding[]; error?: string } | null>(null);
  useEffect(() => {
    const load = kind === 'renewal' ? api.renewal().then((renewal) => ({ renewal })) : api.findings().then((findings) => ({ findings }));
    load.then(setLoaded).catch((error: unknown) => {
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) onInvalid();
      else setLoaded({ error: message(error) });
    });
  }, [api, kind]);
  if (!loaded)
    return (
      <>
        <Masthead />
        <main id="main" class="wrap narrow">
          <p class="loading" role="status">
            Loading…
          </p>
        </main>
      </>
    );
  if (loaded.renewal) return <RenewalPage api={api} initial={loaded.renewal} />;
  if (loaded.findings) return <FindingsPage api={api} initial={loaded.findings} />;
  return (
    <>
      <Masthead />
      <main id="main" class="wrap narrow">
        <h1>This page could not be loaded</h1>
        <p>{loaded.error} Try again in a moment.</p>
      </main>
    </>
  );
}
