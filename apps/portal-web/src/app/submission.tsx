import { useState } from 'preact/hooks';
import type { PortalView } from './api';
import { claimAnchor, progressOf } from './claims';
import { focusClaim, focusSoon } from './focus';
import type { PortalStore } from './portal-store';

type Field = 'name' | 'role' | 'email' | 'statement';

interface Problems {
  title: string;
  /** Each links to the claim or the field to fix. */
  items: { text: string; claimId?: string; field?: Field }[];
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const fieldId = (field: Field) => `attestation-${field}`;

function fieldProblems(fields: Record<Field, string | boolean>): Partial<Record<Field, string>> {
  const problems: Partial<Record<Field, string>> = {};
  if (!String(fields.name).trim()) problems.name = 'Enter the name of the person attesting';
  if (!String(fields.role).trim()) problems.role = 'Enter their role, for example Chief Technology Officer';
  if (!String(fields.email).trim()) problems.email = 'Enter their email address';
  else if (!EMAIL.test(String(fields.email).trim())) problems.email = 'Enter an email address like name@example.com';
  if (fields.statement !== true) problems.statement = 'Confirm the statement to attest the answers';
  return problems;
}

/** The SRO's attestation and submission, with errors that link to what needs fixing. */
export function SubmitSection({ store, view }: { store: PortalStore; view: PortalView }) {
  const [fields, setFields] = useState({ name: '', role: '', email: '', statement: false });
  const [invalid, setInvalid] = useState<Partial<Record<Field, string>>>({});
  const [problems, setProblems] = useState<Problems | null>(null);
  const [busy, setBusy] = useState(false);
  const progress = progressOf(view.claims);
  const claimText = (claimId: string) => view.claims.find((claim) => claim.id === claimId)?.text ?? '';
  const signatory = view.seniorResponsibleOwner
    ? 'You, as the supplier’s Senior Responsible Owner (SRO), attest'
    : 'The supplier’s Senior Responsible Owner (SRO), or someone they authorise, attests';

  const show = (next: Problems) => {
    setProblems(next);
    focusSoon('submit-problems');
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    const found = fieldProblems(fields);
    setInvalid(found);
    const entries = Object.entries(found) as [Field, string][];
    if (entries.length) return show({ title: 'Complete the attestation', items: entries.map(([field, text]) => ({ text, field })) });
    setBusy(true);
    setProblems(null);
    const result = await store
      .submit({ name: fields.name.trim(), role: fields.role.trim(), email: fields.email.trim(), statement: true })
      .finally(() => setBusy(false));
    switch (result.kind) {
      case 'submitted':
        return focusSoon('submitted');
      case 'unsaved':
        return show({
          title: 'Some answers are not saved yet',
          items: result.claimIds.map((claimId) => ({
            claimId,
            text: `Claim ${claimId}: ${store.state.saves[claimId]?.kind === 'failed' ? 'could not be saved' : 'needs attention'}`,
          })),
        });
      case 'unanswered':
        return show({
          title: `${result.claimIds.length} ${result.claimIds.length === 1 ? 'claim is' : 'claims are'} not answered yet`,
          items: result.claimIds.map((claimId) => ({ claimId, text: `Claim ${claimId}: ${claimText(claimId)}` })),
        });
      case 'unconfirmed':
        return show({
          title: `${result.claimIds.length} ${result.claimIds.length === 1 ? 'answer carried' : 'answers carried'} from your previous assessment ${result.claimIds.length === 1 ? 'is' : 'are'} not confirmed yet`,
          items: result.claimIds.map((claimId) => ({ claimId, text: `Claim ${claimId}: confirm or change the carried answer` })),
        });
      case 'invalid': {
        const byField: Partial<Record<Field, string>> = {};
        for (const error of result.errors) {
          const field = (['name', 'role', 'email', 'statement'] as Field[]).find((candidate) => error.field.endsWith(candidate));
          if (field) byField[field] = error.message;
        }
        setInvalid(byField);
        return show({
          title: 'Check the attestation',
          items: result.errors.map((error) => ({ text: error.message, field: (Object.keys(byField) as Field[]).find((field) => error.field.endsWith(field)) })),
        });
      }
      case 'error':
        return show({ title: 'The assessment could not be submitted', items: [{ text: result.message }] });
    }
  };

  const input = (field: Exclude<Field, 'statement'>, label: string, autoComplete: string) => {
    const common = {
      id: fieldId(field),
      autoComplete,
      value: fields[field],
      'aria-invalid': !!invalid[field],
      'aria-describedby': invalid[field] ? `${fieldId(field)}-error` : undefined,
      onInput: (event: Event) => setFields({ ...fields, [field]: (event.currentTarget as HTMLInputElement).value }),
    };
    return (
      <div class={`field${invalid[field] ? ' field-invalid' : ''}`}>
        <label for={fieldId(field)}>{label}</label>
        {invalid[field] ? (
          <p class="field-error" id={`${fieldId(field)}-error`}>
            {invalid[field]}
          </p>
        ) : null}
        {field === 'email' ? <input type="email" {...common} /> : <input type="text" {...common} />}
      </div>
    );
  };

  return (
    <section id="submit" class="submit" aria-labelledby="submit-title">
      <h2 id="submit-title">Attest and submit</h2>
      <p>
        {progress.answered === progress.total ? 'Every claim is answered.' : `${progress.answered} of ${progress.total} claims are answered so far.`}{' '}
        {signatory} that the answers are accurate. After submission the answers are locked while {view.customerName ?? 'your customer'} reviews them.
      </p>
      {problems ? (
        <div id="submit-problems" class="error-summary" role="alert" tabIndex={-1} aria-labelledby="submit-problems-title">
          <h3 id="submit-problems-title">{problems.title}</h3>
          <ul>
            {problems.items.map((item, index) => (
              <li key={index}>
                {item.claimId ? (
                  <a href={`#${claimAnchor(item.claimId)}`} onClick={(event) => focusClaim(event, item.claimId as string)}>
                    {item.text}
                  </a>
                ) : item.field ? (
                  <a
                    href={`#${fieldId(item.field)}`}
                    onClick={(event) => {
                      event.preventDefault();
                      document.getElementById(fieldId(item.field as Field))?.focus();
                    }}
                  >
                    {item.text}
                  </a>
                ) : (
                  item.text
                )}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <form class="attestation" noValidate onSubmit={submit}>
        {input('name', 'Full name', 'name')}
        {input('role', 'Role', 'organization-title')}
        {input('email', 'Email address', 'email')}
        <div class={`checkbox statement${invalid.statement ? ' field-invalid' : ''}`}>
          {invalid.statement ? (
            <p class="field-error" id={`${fieldId('statement')}-error`}>
              {invalid.statement}
            </p>
          ) : null}
          <input
            id={fieldId('statement')}
            type="checkbox"
            checked={fields.statement}
            aria-invalid={!!invalid.statement}
            aria-describedby={invalid.statement ? `${fieldId('statement')}-error` : undefined}
            onChange={(event) => setFields({ ...fields, statement: event.currentTarget.checked })}
          />
          <label for={fieldId('statement')}>
            I am the Senior Responsible Owner for {view.supplier.name}, or am authorised by them, and to the best of my knowledge the answers and evidence given
            in this assessment are accurate and complete.
          </label>
        </div>
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Submitting…' : 'Submit assessment'}
        </button>
      </form>
    </section>
  );
}

/**
 * For a link that may not attest (the supplier has a Senior Responsible Owner and this is someone
 * else): who signs, and a request that emails the SRO a link of their own to review and sign.
 */
export function SignOffSection({ store, view }: { store: PortalStore; view: PortalView }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const sro = view.seniorResponsibleOwner?.name ?? 'the Senior Responsible Owner';
  const progress = progressOf(view.claims);

  const request = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setOutcome(null);
    try {
      const requested = await store.requestSignOff(note.trim() || null);
      setNote('');
      setOutcome({ ok: true, text: `We emailed ${requested.seniorResponsibleOwner.name} a link to review the answers and sign.` });
    } catch (error) {
      setOutcome({ ok: false, text: error instanceof Error ? error.message : 'The request could not be sent' });
    } finally {
      setBusy(false);
      focusSoon('sign-off-outcome');
    }
  };

  return (
    <section id="submit" class="submit" aria-labelledby="sign-off-title">
      <h2 id="sign-off-title">Sign-off by {sro}</h2>
      <p data-testid="signatory">
        {progress.answered === progress.total ? 'Every claim is answered.' : `${progress.answered} of ${progress.total} claims are answered so far.`} Only{' '}
        <strong>{sro}</strong>, the supplier’s Senior Responsible Owner (SRO), can attest and submit this assessment. When the answers are ready, ask them to
        review and sign: they get an email with a link of their own.
      </p>
      {outcome ? (
        <p id="sign-off-outcome" class={outcome.ok ? 'notice notice-ok' : 'error-summary'} role={outcome.ok ? 'status' : 'alert'} tabIndex={-1}>
          {outcome.text}
        </p>
      ) : null}
      <form class="attestation" noValidate onSubmit={request}>
        <div class="field">
          <label for="sign-off-note">A note for {sro} (optional)</label>
          <textarea id="sign-off-note" rows={3} maxLength={2_000} value={note} onInput={(event) => setNote(event.currentTarget.value)} />
        </div>
        <button type="submit" class="button primary" disabled={busy}>
          {busy ? 'Sending…' : `Ask ${sro} to sign off`}
        </button>
      </form>
    </section>
  );
}
