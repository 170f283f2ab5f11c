import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { PortalClaim, PortalView } from './api';
import { ClaimCard } from './claim-card';
import { EDITABLE_STATUSES, STATUS_LABELS, claimAnchor, claimEvidenceIds, draftOf, groupClaims, progressOf } from './claims';
import { FindingsSection } from './findings';
import { focusClaim } from './focus';
import { formatDate, formatDateTime } from './labels';
import { Contents, Footer, Masthead, StatusBar, summariseSaves } from './layout';
import type { PortalState, PortalStore } from './portal-store';
import { ExtensionSection } from './extension-request';
import { SignOffSection, SubmitSection } from './submission';

export function AssessmentPage({ store, state, view }: { store: PortalStore; state: PortalState; view: PortalView }) {
  const editable = EDITABLE_STATUSES.includes(view.status);
  const themes = groupClaims(view.claims, state.framework);
  const progress = progressOf(view.claims);
  const answeredIds = new Set(view.claims.filter((claim) => claim.response).map((claim) => claim.id));
  const customer = view.customerName ?? 'Your customer';
  const returned = view.claims.filter((claim) => claim.review?.verdict === 'returned');
  const extra = [
    ...(view.findings.length ? [{ href: '#findings', label: 'Findings' }] : []),
    ...(editable ? [{ href: '#extension', label: 'More time' }] : []),
    editable ? { href: '#submit', label: 'Submit' } : { href: '#submitted', label: 'Submission' },
  ];

  return (
    <>
      <a class="skip-link" href="#questions">
        Skip to the questions
      </a>
      <Masthead>{customer}</Masthead>
      <StatusBar answered={progress.answered} total={progress.total} save={summariseSaves(state.saves, progress.answered)} editable={editable} />
      <main id="main" class="wrap">
        <div class="intro">
          <p class="eyebrow">Assessment requested by {customer}</p>
          <h1>Software Security Code of Practice assessment</h1>
          <dl class="facts">
            <div>
              <dt>Requested by</dt>
              <dd data-testid="customer">{customer}</dd>
            </div>
            <div>
              <dt>Supplier</dt>
              <dd data-testid="supplier">{view.supplier.name}</dd>
            </div>
            {view.product ? (
              <div>
                <dt>Product</dt>
                <dd>{view.product.name}</dd>
              </div>
            ) : null}
            <div>
              <dt>Due</dt>
              <dd data-testid="due">
                {formatDate(view.dueAt)} {view.overdue ? <span class="badge badge-bad">Overdue</span> : null}
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <span class={`badge status status-${view.status}`} data-testid="status">
                  {STATUS_LABELS[view.status]}
                </span>
              </dd>
            </div>
          </dl>
          {editable ? (
            <p class="lede">
              {customer} asks {view.supplier.name} to answer each claim below: say whether it is met, explain why, and attach evidence where you have it.
              Answers are saved as you go, so you can leave and come back with the link from your email. When every claim is answered, your Senior Responsible
              Owner signs the attestation at the end and submits.
            </p>
          ) : null}
        </div>

        {view.status === 'returned' ? (
          <section class="notice notice-warn" aria-labelledby="returned-title">
            <h2 id="returned-title">Returned for changes</h2>
            {view.returnMessage ? <p class="quote">{view.returnMessage}</p> : null}
            {returned.length ? (
              <p>
                Claims the reviewer returned:{' '}
                {returned.map((claim, index) => (
                  <Fragment key={claim.id}>
                    {index ? ', ' : ''}
                    <a href={`#${claimAnchor(claim.id)}`} onClick={(event) => focusClaim(event, claim.id)}>
                      {claim.id}
                    </a>
                  </Fragment>
                ))}
                . Change your answers where needed and submit again.
              </p>
            ) : null}
          </section>
        ) : null}

        {!editable ? <Submitted view={view} customer={customer} /> : null}

        <div class="layout">
          <Contents themes={themes} answered={(ids) => ids.filter((id) => answeredIds.has(id)).length} extra={extra} />
          <div class="content">
            {view.findings.length ? (
              <FindingsSection findings={view.findings} onRespond={(id, plan, agreed) => store.respondToFinding(id, plan, agreed)} />
            ) : null}
            <section id="questions" class="questions" tabIndex={-1} aria-label="Claims">
              {themes.map((theme) => (
                <section key={theme.id} id={`theme-${theme.id}`} class="theme" aria-labelledby={`theme-${theme.id}-title`}>
                  <h2 id={`theme-${theme.id}-title`} class="theme-title">
                    <span class="theme-number">Theme {theme.id}</span> {theme.title}
                  </h2>
                  {theme.principles.map((principle) => (
                    <section key={principle.id} id={`principle-${principle.id}`} class="principle" aria-labelledby={`principle-${principle.id}-title`}>
                      <h3 id={`principle-${principle.id}-title`} class="principle-title">
                        <span class="principle-number">Principle {principle.id}</span> {principle.title}
                      </h3>
                      {editable ? <ConfirmCarried store={store} principleId={principle.id} claims={principle.claims} /> : null}
                      {principle.claims.map((claim) => (
                        <ClaimCard
                          key={claim.id}
                          claim={claim}
                          draft={state.drafts[claim.id] ?? draftOf(claim.response)}
                          save={state.saves[claim.id]}
                          editable={editable}
                          evidence={state.evidence.filter((item) => claimEvidenceIds(claim, state.evidence, state.attached[claim.id]).includes(item.id))}
                          onEdit={(change) => store.edit(claim.id, change)}
                          onRetry={() => store.retrySave(claim.id)}
                          onAttach={(input, kind) => store.attach(claim.id, input, kind)}
                        />
                      ))}
                    </section>
                  ))}
                </section>
              ))}
            </section>
            {editable ? <ExtensionSection store={store} view={view} /> : null}
            {editable ? view.canSubmit ? <SubmitSection store={store} view={view} /> : <SignOffSection store={store} view={view} /> : null}
          </div>
        </div>
      </main>
      <Footer framework={state.framework} />
    </>
  );
}

/** The carried-forward answers of one principle, with a button confirming them all unchanged. */
function ConfirmCarried({ store, principleId, claims }: { store: PortalStore; principleId: string; claims: PortalClaim[] }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const carried = claims.filter((claim) => claim.response?.carriedForward || claim.response?.importedFrom).length;
  if (!carried) return null;
  const confirm = () => {
    setBusy(true);
    setError(null);
    store
      .confirmPrinciple(principleId)
      .catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)))
      .finally(() => setBusy(false));
  };
  return (
    <div class="notice notice-info carried-principle" data-testid={`carried-${principleId}`}>
      <p>
        {carried} {carried === 1 ? 'answer is' : 'answers are'} carried forward from your previous assessment. Check {carried === 1 ? 'it' : 'them'}, then
        confirm or change {carried === 1 ? 'it' : 'each one'}.
      </p>
      <button type="button" class="button" disabled={busy} onClick={confirm}>
        Confirm all in this principle
      </button>
      {error ? <p role="alert">{error}</p> : null}
    </div>
  );
}

function Submitted({ view, customer }: { view: PortalView; customer: string }) {
  const attestation = view.attestation;
  return (
    <section id="submitted" class="notice notice-ok" tabIndex={-1} aria-labelledby="submitted-title">
      <h2 id="submitted-title">
        {view.status === 'submitted' || view.status === 'in_review'
          ? 'Submitted — thank you'
          : `This assessment is ${STATUS_LABELS[view.status].toLowerCase()}`}
      </h2>
      {attestation ? (
        <p>
          Attested by <strong>{attestation.name}</strong> ({attestation.role}, {attestation.email}) on {formatDateTime(attestation.signedAt)}. {customer} will
          review the answers and will be in touch if anything needs changing. The answers below can no longer be changed.
        </p>
      ) : (
        <p>The answers below can no longer be changed.</p>
      )}
      {attestation ? (
        <p class="digest">
          Fingerprint of the attested answers (SHA-256): <code>{attestation.responsesSha256}</code>
        </p>
      ) : null}
    </section>
  );
}
