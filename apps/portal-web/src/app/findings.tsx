import { useState } from 'preact/hooks';
import type { Finding } from './api';
import { claimAnchor } from './claims';
import { focusClaim } from './focus';
import { FINDING_STATUS_LABELS, SEVERITY_LABELS, formatDate } from './labels';
import { FormActions, type FormState } from './layout';

type Respond = (findingId: string, plan: string, agreed: boolean) => Promise<void>;

export function FindingsSection({ findings, onRespond }: { findings: Finding[]; onRespond: Respond }) {
  return (
    <section id="findings" class="findings" aria-labelledby="findings-title">
      <h2 id="findings-title">Findings from the review</h2>
      <p class="hint">The reviewer raised these findings. Say how and when you will address each one, and whether you agree with it.</p>
      {findings.map((finding) => (
        <FindingCard key={finding.id} finding={finding} onRespond={onRespond} />
      ))}
    </section>
  );
}

function FindingCard({ finding, onRespond }: { finding: Finding; onRespond: Respond }) {
  const base = `finding-${finding.id}`;
  const [plan, setPlan] = useState(finding.remediationPlan ?? '');
  const [agreed, setAgreed] = useState(finding.supplierAgreed ?? false);
  const [state, setState] = useState<FormState>({
    tone: 'idle',
    text: finding.remediationPlan ? 'Your response is saved.' : '',
  });
  const closed = finding.status === 'resolved';

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!plan.trim()) return setState({ tone: 'error', text: 'Enter a remediation plan.' });
    setState({ tone: 'busy', text: 'Saving…' });
    try {
      await onRespond(finding.id, plan.trim(), agreed);
      setState({ tone: 'ok', text: 'Your response is saved.' });
    } catch (error) {
      setState({ tone: 'error', text: `Not saved: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  return (
    <article class="finding" aria-labelledby={`${base}-title`} data-finding={finding.id}>
      <h3 id={`${base}-title`} class="finding-title">
        <span class={`badge severity-${finding.severity}`}>{SEVERITY_LABELS[finding.severity]}</span> {finding.title}
      </h3>
      <p class="finding-meta">
        Claim{' '}
        <a href={`#${claimAnchor(finding.claimId)}`} onClick={(event) => focusClaim(event, finding.claimId)}>
          {finding.claimId}
        </a>{' '}
        · {FINDING_STATUS_LABELS[finding.status]}
        {finding.remediationDueAt ? ` · remediation due ${formatDate(finding.remediationDueAt)}` : ''}
      </p>
      {finding.description ? <p>{finding.description}</p> : null}
      {closed ? (
        finding.remediationPlan ? (
          <p class="quote">{finding.remediationPlan}</p>
        ) : null
      ) : (
        <form onSubmit={submit} class="finding-form">
          <div class="field">
            <label for={`${base}-plan`}>Remediation plan</label>
            <textarea id={`${base}-plan`} rows={4} maxLength={10_000} value={plan} onInput={(event) => setPlan(event.currentTarget.value)} />
          </div>
          <div class="checkbox">
            <input id={`${base}-agreed`} type="checkbox" checked={agreed} onChange={(event) => setAgreed(event.currentTarget.checked)} />
            <label for={`${base}-agreed`}>We agree with this finding</label>
          </div>
          <FormActions label="Save response" state={state} />
        </form>
      )}
    </article>
  );
}
