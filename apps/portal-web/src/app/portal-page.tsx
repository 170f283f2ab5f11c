import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, PortalApi, type LinkKind } from './api';
import { AssessmentPage } from './assessment-page';
import { Masthead } from './layout';
import { ScopedLinkPage } from './link-pages';
import { PortalStore, PortalState } from './portal-store';
import { TOKEN_STORAGE_KEY, looksLikePortalToken } from './portal-token';

/** Re-renders on every change of the store. */
function useStore(store: PortalStore): PortalState {
  const [, setVersion] = useState(0);
  useEffect(() => store.subscribe(() => setVersion((version) => version + 1)), [store]);
  return store.state;
}

export function PortalPage({ token }: { token: string | null }) {
  if (!token) return <LinkProblem missing />;
  if (!looksLikePortalToken(token)) return <LinkProblem />;
  return <ByLinkKind token={token} />;
}

/** The view of the link's kind: the assessment, a renewal, the supplier's findings, or an inquiry about an advisory. */
function ByLinkKind({ token }: { token: string }) {
  const api = useMemo(() => new PortalApi(token), [token]);
  const [kind, setKind] = useState<LinkKind | 'invalid' | 'unknown' | null>(null);
  const invalid = () => {
    window.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
    setKind('invalid');
  };
  useEffect(() => {
    api
      .linkKind()
      .then(setKind)
      .catch((error: unknown) => (error instanceof ApiError && (error.status === 401 || error.status === 403) ? invalid() : setKind('unknown')));
  }, [api]);
  if (kind === null) return <Loading />;
  if (kind === 'invalid') return <LinkProblem />;
  if (kind === 'renewal' || kind === 'findings' || kind === 'inquiry') return <ScopedLinkPage api={api} kind={kind} onInvalid={invalid} />;
  // An assessment link, or one whose kind could not be learnt (the assessment view says what failed and retries).
  return <Assessment token={token} />;
}

function Assessment({ token }: { token: string }) {
  const store = useMemo(() => new PortalStore(new PortalApi(token), { storage: window.sessionStorage }), [token]);
  const state = useStore(store);

  useEffect(() => {
    void store.load();
    // Save what is outstanding when the tab is hidden or closed; warn before leaving unsaved edits.
    const flush = () => void store.autosave.flush();
    const onVisibility = () => document.visibilityState === 'hidden' && flush();
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (store.autosave.busy || Object.keys(store.state.drafts).length > 0) event.preventDefault();
    };
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flush);
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flush);
      window.removeEventListener('beforeunload', beforeUnload);
      store.dispose();
    };
  }, [store]);

  useEffect(() => {
    if (state.phase === 'ready' && state.view)
      document.title = `${state.view.supplier.name} assessment for ${state.view.customerName ?? 'your customer'} · Assay`;
    else if (state.phase === 'invalid') document.title = 'This link cannot be used · Assay';
  }, [state.phase, state.view?.supplier.name, state.view?.customerName]);

  if (state.phase === 'invalid') return <LinkProblem />;
  if (state.phase === 'failed') return <LoadFailed message={state.loadError} onRetry={() => void store.load()} />;
  if (state.phase === 'loading' || !state.view) return <Loading />;
  return <AssessmentPage store={store} state={state} view={state.view} />;
}

function Loading() {
  return (
    <>
      <Masthead />
      <main id="main" class="wrap narrow">
        <p class="loading" role="status">
          Loading your assessment…
        </p>
      </main>
    </>
  );
}

function LoadFailed({ message, onRetry }: { message: string | null; onRetry: () => void }) {
  return (
    <>
      <Masthead />
      <main id="main" class="wrap narrow">
        <h1>Your assessment could not be loaded</h1>
        <p>{message ?? 'Something went wrong.'} Your saved answers are safe; try again in a moment.</p>
        <button type="button" class="button" onClick={onRetry}>
          Try again
        </button>
      </main>
    </>
  );
}

/** An expired, withdrawn, mistyped or missing link: says so and whom to ask, and shows nothing else. */
export function LinkProblem({ missing = false }: { missing?: boolean }) {
  return (
    <>
      <Masthead />
      <main id="main" class="wrap narrow link-problem">
        <h1>{missing ? 'Open this page from your assessment email' : 'This assessment link cannot be used'}</h1>
        {missing ? (
          <p>This page shows a supplier assessment to the person it was sent to. Open it with the link in the email you received.</p>
        ) : (
          <>
            <p>The link has expired, has been withdrawn, or was not copied in full.</p>
            <p>
              Assessment links work for 60 days after they are sent, and stop working when the assessment is completed or cancelled, or when you are no longer a
              contact for it.
            </p>
          </>
        )}
        <h2>What to do</h2>
        <ul>
          <li>If you still have the email, open the link from it again, making sure you use the whole link.</li>
          <li>
            Otherwise, ask your contact at the organisation that requested the assessment to send you a new link. They can do this from Assay at any time while
            the assessment is open.
          </li>
        </ul>
        <p class="muted">For your security this page does not show who sent the link or anything about the assessment.</p>
      </main>
    </>
  );
}
