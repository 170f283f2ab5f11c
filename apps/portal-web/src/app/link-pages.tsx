import { useEffect, useState } from 'preact/hooks';
import { ApiError, type InquiryAnswer, type InquiryView, type PortalApi, type PortalFinding, type RenewalView } from './api';
import { FindingsSection } from './findings';
import { inquiryAnswer } from './inquiry-answer';
import { InquiryVexForm } from './inquiry-vex';
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

const INQUIRY_STATUSES: { value: InquiryAnswer['status']; label: string; hint: string }[] = [
  { value: 'not_affected', label: 'Not affected', hint: 'Our products are not affected: say why.' },
  { value: 'affected', label: 'Affected', hint: 'Our products are affected: say what you are doing about it or advise.' },
  { value: 'fixed', label: 'Fixed', hint: 'The versions we supply now contain a fix.' },
  { value: 'under_investigation', label: 'Under investigation', hint: 'We do not know yet.' },
];

const JUSTIFICATIONS: { value: NonNullable<InquiryAnswer['justification']>; label: string }[] = [
  { value: 'component_not_present', label: 'The vulnerable component is not present' },
  { value: 'vulnerable_code_not_present', label: 'The vulnerable code is not present' },
  { value: 'vulnerable_code_not_in_execute_path', label: 'The vulnerable code is never executed' },
  { value: 'vulnerable_code_cannot_be_controlled_by_adversary', label: 'The vulnerable code cannot be controlled by an attacker' },
  { value: 'inline_mitigations_already_exist', label: 'Mitigations in the product already prevent it' },
];

const STATUS_LABELS: Record<string, string> = Object.fromEntries(INQUIRY_STATUSES.map((status) => [status.value, status.label]));

/** An inquiry link: the advisory the customer asks about, the supplier's components it names, and the answer form. */
export function InquiryPage({ api, initial }: { api: PortalApi; initial: InquiryView }) {
  const [view, setView] = useState(initial);
  const previous = view.inquiry.answer;
  const [status, setStatus] = useState<InquiryAnswer['status'] | ''>(previous?.status ?? '');
  const [justification, setJustification] = useState<string>(previous?.justification ?? '');
  const [impactStatement, setImpactStatement] = useState(previous?.impactStatement ?? '');
  const [fixedIn, setFixedIn] = useState(previous?.fixedIn ?? '');
  const [actionStatement, setActionStatement] = useState(previous?.actionStatement ?? '');
  const [state, setState] = useState<FormState>({ tone: 'idle', text: '' });
  const name = view.advisory.externalIds.find((id) => id.startsWith('CVE-')) ?? view.advisory.externalIds[0] ?? 'this vulnerability';

  useEffect(() => {
    document.title = `${name}: are you affected? · Assay`;
  }, [name]);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!status) return setState({ tone: 'error', text: 'Choose whether your products are affected.' });
    if (status === 'not_affected' && !justification) return setState({ tone: 'error', text: 'Choose why your products are not affected.' });
    if (status === 'affected' && !actionStatement.trim()) return setState({ tone: 'error', text: 'Say what you are doing about it, or what you advise.' });
    setState({ tone: 'busy', text: 'Sending…' });
    try {
      setView(await api.answerInquiry(inquiryAnswer({ status, justification, impactStatement, fixedIn, actionStatement })));
      setState({ tone: 'ok', text: 'Thank you: your answer was sent. You can change it here at any time.' });
    } catch (error) {
      const fields = error instanceof ApiError ? (error.problem.errors ?? []).map((item) => `${item.field} ${item.message}`) : [];
      setState({ tone: 'error', text: `Not sent: ${fields.length ? fields.join('; ') : message(error)}` });
    }
  };

  return (
    <>
      <Masthead>Vulnerability inquiry</Masthead>
      <main id="main" class="wrap narrow inquiry" data-view="inquiry">
        <p class="eyebrow">{view.supplier.name}</p>
        <h1>Are your products affected by {name}?</h1>
        {view.advisory.summary ? <p class="lead">{view.advisory.summary}</p> : null}
        <dl class="facts">
          <div>
            <dt>Identifiers</dt>
            <dd>{view.advisory.externalIds.join(', ')}</dd>
          </div>
          <div>
            <dt>Severity</dt>
            <dd>{view.advisory.severity ?? 'Not given'}</dd>
          </div>
          <div>
            <dt>Answer by</dt>
            <dd>{formatDate(view.inquiry.dueAt)}</dd>
          </div>
          <div>
            <dt>Status</dt>
            <dd data-testid="inquiry-status">
              {view.inquiry.answer
                ? `Answered: ${STATUS_LABELS[view.inquiry.answer.status] ?? view.inquiry.answer.status}`
                : view.inquiry.status === 'overdue'
                  ? 'Overdue'
                  : 'Waiting for your answer'}
            </dd>
          </div>
        </dl>
        <h2>Components of yours it names</h2>
        {view.components.length ? (
          <ul class="components">
            {view.components.map((component) => (
              <li key={component.purl}>
                <code>{component.purl}</code>
              </li>
            ))}
          </ul>
        ) : (
          <p>None of the SBOMs you gave names a component it lists any more.</p>
        )}
        <form onSubmit={submit} class="inquiry-form">
          <fieldset>
            <legend>Your answer</legend>
            {INQUIRY_STATUSES.map((option) => (
              <div class="choice" key={option.value}>
                <input
                  type="radio"
                  id={`inquiry-status-${option.value}`}
                  name="inquiry-status"
                  value={option.value}
                  checked={status === option.value}
                  onChange={() => setStatus(option.value)}
                />
                <label for={`inquiry-status-${option.value}`}>
                  {option.label} <span class="hint">{option.hint}</span>
                </label>
              </div>
            ))}
          </fieldset>
          {status === 'not_affected' ? (
            <>
              <div class="field">
                <label for="inquiry-justification">Why not affected</label>
                <select id="inquiry-justification" value={justification} onChange={(event) => setJustification(event.currentTarget.value)}>
                  <option value="">Choose…</option>
                  {JUSTIFICATIONS.map((option) => (
                    <option key={option.value} value={option.value}>
                      {option.label}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="inquiry-impact">More detail (optional)</label>
                <textarea id="inquiry-impact" maxLength={5000} value={impactStatement} onInput={(event) => setImpactStatement(event.currentTarget.value)} />
              </div>
            </>
          ) : null}
          {status === 'fixed' ? (
            <div class="field">
              <label for="inquiry-fixed-in">Fixed in version (optional)</label>
              <input id="inquiry-fixed-in" type="text" maxLength={200} value={fixedIn} onInput={(event) => setFixedIn(event.currentTarget.value)} />
            </div>
          ) : null}
          {status && status !== 'not_affected' ? (
            <div class="field">
              <label for="inquiry-action">{status === 'affected' ? 'What you are doing about it, or advise' : 'What you are doing about it (optional)'}</label>
              <textarea id="inquiry-action" maxLength={5000} value={actionStatement} onInput={(event) => setActionStatement(event.currentTarget.value)} />
            </div>
          ) : null}
          <FormActions label={view.inquiry.answer ? 'Change the answer' : 'Send the answer'} state={state} />
        </form>
        <InquiryVexForm api={api} onAnswered={setView} />
      </main>
    </>
  );
}

type Loaded = { renewal?: RenewalView; findings?: PortalFinding[]; inquiry?: InquiryView; error?: string };

function loadScoped(api: PortalApi, kind: 'renewal' | 'findings' | 'inquiry'): Promise<Loaded> {
  if (kind === 'renewal') return api.renewal().then((renewal) => ({ renewal }));
  if (kind === 'inquiry') return api.inquiry().then((inquiry) => ({ inquiry }));
  return api.findings().then((findings) => ({ findings }));
}

/** Opens the view of a renewal, findings or inquiry link (whichever `kind` is), or says the link cannot be used. */
export function ScopedLinkPage({ api, kind, onInvalid }: { api: PortalApi; kind: 'renewal' | 'findings' | 'inquiry'; onInvalid: () => void }) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  useEffect(() => {
    const load = loadScoped(api, kind);
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
  if (loaded.inquiry) return <InquiryPage api={api} initial={loaded.inquiry} />;
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
