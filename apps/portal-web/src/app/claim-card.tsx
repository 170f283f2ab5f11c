import type { ComponentChildren } from 'preact';
import { useRef, useState } from 'preact/hooks';
import { ApiError, CheckResult, ClaimCheck, Evidence, EvidenceCheck, PortalClaim } from './api';
import type { SaveState } from './autosave';
import { ANSWERS, Draft, answerLabel, claimAnchor, needsJustification } from './claims';
import { CHECK_RESULT_LABELS, DOCUMENT_KINDS, EVIDENCE_STATUS_LABELS, checkLabel, formatBytes, formatDate, inFlight, kindLabel } from './labels';
import type { EvidenceInput } from './portal-store';

interface ClaimCardProps {
  claim: PortalClaim;
  draft: Draft;
  save: SaveState | undefined;
  editable: boolean;
  /** The evidence this claim cites or was submitted for. */
  evidence: Evidence[];
  onEdit: (change: Partial<Draft>) => void;
  onRetry: () => void;
  onAttach: (input: EvidenceInput, kind: string | null) => Promise<void>;
}

export function ClaimCard({ claim, draft, save, editable, evidence, onEdit, onRetry, onAttach }: ClaimCardProps) {
  const base = claimAnchor(claim.id);
  const required = needsJustification(draft.answer);
  const attention = save?.kind === 'incomplete' || save?.kind === 'failed';
  const shown = new Set(evidence.map((item) => item.id));
  // Checks from evidence listed here show under that evidence; the rest (other evidence, the product) here.
  const otherChecks = claim.checks.filter((check) => !check.evidenceId || !shown.has(check.evidenceId));
  const returned = claim.review?.verdict === 'returned';

  return (
    <article
      id={base}
      class={`claim${attention ? ' claim-attention' : ''}${returned ? ' claim-returned' : ''}`}
      aria-labelledby={`${base}-title`}
      data-claim={claim.id}
    >
      <h4 id={`${base}-title`} class="claim-title">
        <span class="claim-id">{claim.id}</span>
        <span class="claim-text">{claim.text}</span>
      </h4>
      {claim.response?.importedFrom ? (
        <p class="carried" data-testid="imported-from-declaration">
          <span class="badge">From your declaration</span> This answer comes from the declaration you uploaded: change it, or confirm it unchanged (save it
          again or use “Confirm all in this principle”).
        </p>
      ) : null}
      {claim.response?.carriedForward ? (
        <p class="carried" data-testid="carried-forward">
          <span class="badge">Carried forward</span> This is your answer from the previous assessment: change it, or confirm it unchanged (save it again or use
          “Confirm all in this principle”).
        </p>
      ) : null}
      {claim.review ? (
        <div class={`review review-${claim.review.verdict}`}>
          <p class="review-verdict">{returned ? 'Returned by the reviewer' : 'Accepted by the reviewer'}</p>
          {claim.review.comment ? <p class="review-comment">{claim.review.comment}</p> : null}
        </div>
      ) : null}

      {editable ? (
        <>
          <fieldset class="answers">
            <legend>
              Your answer<span class="visually-hidden"> to claim {claim.id}</span>
            </legend>
            <div class="answer-options">
              {ANSWERS.map((option) => (
                <label key={option.value} class="answer-option">
                  <input
                    type="radio"
                    name={`${base}-answer`}
                    value={option.value}
                    checked={draft.answer === option.value}
                    onChange={() => onEdit({ answer: option.value })}
                  />
                  <span>{option.label}</span>
                </label>
              ))}
            </div>
          </fieldset>
          <div class="field">
            <label for={`${base}-justification`}>
              Justification<span class="visually-hidden"> for claim {claim.id}</span>{' '}
              <span class="field-flag">{required ? '(required for this answer)' : '(optional)'}</span>
            </label>
            <textarea
              id={`${base}-justification`}
              rows={3}
              maxLength={10_000}
              value={draft.justification}
              aria-required={required}
              aria-invalid={save?.kind === 'incomplete' && required}
              aria-describedby={`${base}-save`}
              placeholder={
                required
                  ? `Explain why the answer is ${answerLabel(draft.answer ?? 'not_met')}`
                  : 'How is this claim met? Point to policies, tools or evidence.'
              }
              onInput={(event) => onEdit({ justification: event.currentTarget.value })}
            />
          </div>
          <ClaimSaveState id={`${base}-save`} save={save} answered={!!claim.response} onRetry={onRetry} />
        </>
      ) : (
        <ReadOnlyAnswer claim={claim} />
      )}

      <div class="evidence">
        {evidence.length ? (
          <>
            <h5 class="evidence-title">Evidence</h5>
            <ul class="evidence-list" aria-live="polite">
              {evidence.map((item) => (
                <EvidenceItem key={item.id} item={item} claimId={claim.id} />
              ))}
            </ul>
          </>
        ) : null}
        {otherChecks.length ? (
          <>
            <h5 class="evidence-title">Automated checks</h5>
            <CheckList
              checks={otherChecks.map((check) => ({ key: check.key, result: check.result as CheckResult, detail: check.detail, note: checkSource(check) }))}
            />
          </>
        ) : null}
        {editable ? <AddEvidence base={base} claimId={claim.id} suggested={claim.evidenceKinds} onAttach={onAttach} /> : null}
      </div>
    </article>
  );
}

function checkSource(check: ClaimCheck): string | null {
  if (check.key.startsWith('product.')) return 'From the product’s details';
  return check.evidenceKind ? `From your ${kindLabel(check.evidenceKind)}` : null;
}

function ClaimSaveState({ id, save, answered, onRetry }: { id: string; save: SaveState | undefined; answered: boolean; onRetry: () => void }) {
  let text: string;
  let tone = 'idle';
  switch (save?.kind) {
    case 'pending':
    case 'saving':
      text = 'Saving…';
      tone = 'busy';
      break;
    case 'saved':
      text = 'Saved';
      tone = 'ok';
      break;
    case 'incomplete':
      text = `Not saved: ${save.message.charAt(0).toLowerCase()}${save.message.slice(1)}`;
      tone = 'warn';
      break;
    case 'failed':
      text = `Not saved: ${save.message}${save.retrying ? ' — trying again shortly' : ''}`;
      tone = 'error';
      break;
    default:
      text = answered ? 'Saved' : 'Not answered yet';
      tone = answered ? 'ok' : 'idle';
  }
  return (
    <p id={id} class={`claim-save save-${tone}`} data-testid="claim-save">
      <span class="save-icon" aria-hidden="true" />
      <span>{text}</span>
      {save?.kind === 'failed' ? (
        <button type="button" class="link-button" onClick={onRetry}>
          Try again now
        </button>
      ) : null}
    </p>
  );
}

function ReadOnlyAnswer({ claim }: { claim: PortalClaim }) {
  if (!claim.response) return <p class="answer-readonly muted">Not answered</p>;
  return (
    <div class="answer-readonly">
      <p>
        <span class={`badge answer answer-${claim.response.answer}`}>{answerLabel(claim.response.answer)}</span>
      </p>
      {claim.response.justification ? <p class="justification">{claim.response.justification}</p> : null}
    </div>
  );
}

function EvidenceItem({ item, claimId }: { item: Evidence; claimId: string }) {
  const checks = item.checks.filter((check: EvidenceCheck) => check.claimIds.includes(claimId));
  const elsewhere = item.checks.length - checks.length;
  const name = item.filename ?? item.url ?? kindLabel(item.kind);
  return (
    <li class="evidence-item" data-evidence={item.id}>
      <div class="evidence-head">
        <span class="evidence-name">{name}</span>
        <span class={`badge evidence-status evidence-${item.status}`}>
          {inFlight(item.status) ? <span class="spinner" aria-hidden="true" /> : null}
          {EVIDENCE_STATUS_LABELS[item.status]}
        </span>
      </div>
      <p class="evidence-meta">
        {[
          item.kind ? kindLabel(item.kind) : null,
          item.size !== null ? formatBytes(item.size) : null,
          item.validUntil ? `valid until ${formatDate(item.validUntil)}` : null,
        ]
          .filter(Boolean)
          .join(' · ')}
      </p>
      {item.error ? <p class="evidence-error">{item.error}</p> : null}
      {checks.length ? <CheckList checks={checks.map((check) => ({ key: check.key, result: check.result, detail: check.detail, note: null }))} /> : null}
      {item.status === 'processed' && !checks.length ? (
        <p class="muted small">
          {elsewhere ? `No automated checks for this claim (${elsewhere} for other claims).` : 'No automated checks apply to this kind of evidence.'}
        </p>
      ) : null}
    </li>
  );
}

function CheckList({ checks }: { checks: { key: string; result: EvidenceCheck['result']; detail: string; note: string | null }[] }) {
  return (
    <ul class="checks">
      {checks.map((check, index) => (
        <li key={`${check.key}-${index}`} class={`check check-${check.result}`}>
          <span class="check-result">{CHECK_RESULT_LABELS[check.result]}</span>
          <span class="check-body">
            <span class="check-name">{checkLabel(check.key)}</span>
            <span class="check-detail">{check.detail}</span>
            {check.note ? <span class="check-note">{check.note}</span> : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

function AddEvidence({
  base,
  claimId,
  suggested,
  onAttach,
}: {
  base: string;
  claimId: string;
  suggested: string[];
  onAttach: (input: EvidenceInput, kind: string | null) => Promise<void>;
}) {
  const forClaim = <span class="visually-hidden"> for claim {claimId}</span>;
  const file = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState('');
  const [kind, setKind] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const send = async (input: EvidenceInput | null, missing: string) => {
    if (!input) return setMessage({ tone: 'error', text: missing });
    setBusy(true);
    setMessage(null);
    try {
      await onAttach(input, kind || null);
      setMessage({ tone: 'ok', text: 'Added. Automated checks run in the background; results appear above.' });
      if (file.current) file.current.value = '';
      setUrl('');
    } catch (error) {
      setMessage({ tone: 'error', text: error instanceof ApiError ? evidenceProblem(error) : 'The evidence could not be added.' });
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="add-evidence">
      <summary>Add evidence{forClaim}</summary>
      <div class="add-evidence-body">
        {suggested.length ? <p class="hint">Useful here: {suggested.map(kindLabel).join(', ')}.</p> : null}
        <div class="field">
          <label for={`${base}-kind`}>What kind of evidence is it?{forClaim}</label>
          <select id={`${base}-kind`} value={kind} onChange={(event) => setKind(event.currentTarget.value)}>
            <option value="">Recognise it from the content</option>
            {DOCUMENT_KINDS.map((value) => (
              <option key={value} value={value}>
                {kindLabel(value)}
              </option>
            ))}
          </select>
        </div>
        <EvidenceForm
          id={`${base}-file`}
          label={<>Upload a file{forClaim}</>}
          action="Upload file"
          busy={busy}
          onSubmit={() => {
            const chosen = file.current?.files?.[0];
            void send(chosen ? { file: chosen } : null, 'Choose a file to upload.');
          }}
        >
          <input id={`${base}-file`} type="file" ref={file} />
        </EvidenceForm>
        <EvidenceForm
          id={`${base}-url`}
          label={<>Or link to published evidence{forClaim}</>}
          action="Add link"
          busy={busy}
          onSubmit={() => void send(url.trim() ? { url: url.trim() } : null, 'Enter the address of the published evidence.')}
        >
          <input
            id={`${base}-url`}
            type="url"
            inputMode="url"
            placeholder="https://example.com/.well-known/security.txt"
            value={url}
            onInput={(event) => setUrl(event.currentTarget.value)}
          />
        </EvidenceForm>
        <p class={`form-message${message ? ` form-message-${message.tone}` : ''}`} role={message?.tone === 'error' ? 'alert' : 'status'}>
          {busy ? 'Sending…' : (message?.text ?? '')}
        </p>
      </div>
    </details>
  );
}

/** One way to add evidence: a labelled control and its button (Enter in the control submits too). */
function EvidenceForm({
  id,
  label,
  action,
  busy,
  onSubmit,
  children,
}: {
  id: string;
  label: ComponentChildren;
  action: string;
  busy: boolean;
  onSubmit: () => void;
  children: ComponentChildren;
}) {
  return (
    <form
      class="evidence-form"
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      <div class="field">
        <label for={id}>{label}</label>
        {children}
      </div>
      <button type="submit" class="button secondary" disabled={busy}>
        {action}
      </button>
    </form>
  );
}

function evidenceProblem(error: ApiError): string {
  if (error.status === 413) return 'The file is too large.';
  if (error.status === 409) return 'This assessment no longer accepts evidence.';
  if (error.status === 0) return 'The server could not be reached; check your connection and try again.';
  const field = error.problem.errors?.[0];
  return field ? `${error.message} (${field.field}: ${field.message})` : error.message;
}
