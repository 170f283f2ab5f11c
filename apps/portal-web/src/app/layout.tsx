import type { ComponentChildren } from 'preact';
import type { Framework } from './api';
import type { SaveState } from './autosave';
import { ThemeGroup, claimAnchor } from './claims';
import { focusClaim } from './focus';

export function Masthead({ children }: { children?: ComponentChildren }) {
  return (
    <header class="masthead">
      <div class="wrap masthead-inner">
        <span class="brand" aria-label="Assay">
          <span class="brand-mark" aria-hidden="true" />
          Assay
        </span>
        <span class="masthead-note">{children ?? 'Supplier assessment'}</span>
      </div>
    </header>
  );
}

export interface SaveSummary {
  tone: 'idle' | 'busy' | 'ok' | 'warn' | 'error';
  text: string;
  claimId?: string;
}

/** One line about every claim's save state, for the live region in the status bar. */
export function summariseSaves(saves: Record<string, SaveState>, answered: number): SaveSummary {
  const entries = Object.entries(saves);
  const ids = (kind: SaveState['kind']) => entries.filter(([, state]) => state.kind === kind).map(([claimId]) => claimId);
  const failed = ids('failed');
  const incomplete = ids('incomplete');
  if (ids('saving').length || ids('pending').length) return { tone: 'busy', text: 'Saving…' };
  if (failed.length)
    return {
      tone: 'error',
      text: failed.length === 1 ? `Claim ${failed[0]} could not be saved` : `${failed.length} claims could not be saved`,
      claimId: failed[0],
    };
  if (incomplete.length) {
    return {
      tone: 'warn',
      text:
        incomplete.length === 1
          ? `Claim ${incomplete[0]} is not saved yet: it needs attention`
          : `${incomplete.length} claims are not saved yet: they need attention`,
      claimId: incomplete[0],
    };
  }
  if (entries.length) return { tone: 'ok', text: 'All changes saved' };
  if (answered) return { tone: 'ok', text: 'All answers are saved' };
  return { tone: 'idle', text: 'Answers save automatically as you go' };
}

export function StatusBar({ answered, total, save, editable }: { answered: number; total: number; save: SaveSummary; editable: boolean }) {
  return (
    <div class="statusbar">
      <div class="wrap statusbar-inner">
        <div class="progress">
          <span class="progress-text" id="progress-text">
            <strong>{answered}</strong> of {total} claims answered
          </span>
          <progress max={total} value={answered} aria-labelledby="progress-text" />
        </div>
        {editable ? (
          <p class={`save-status save-${save.tone}`} role="status" aria-live="polite" data-testid="save-status">
            <span class="save-icon" aria-hidden="true" />
            <span>{save.text}</span>
            {save.claimId ? (
              <a href={`#${claimAnchor(save.claimId)}`} onClick={(event) => focusClaim(event, save.claimId as string)}>
                Go to claim
              </a>
            ) : null}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** Themes and principles with how many of their claims are answered. */
export function Contents({
  themes,
  answered,
  extra,
}: {
  themes: ThemeGroup[];
  answered: (claimIds: string[]) => number;
  extra: { href: string; label: string }[];
}) {
  const wide = typeof window.matchMedia === 'function' && window.matchMedia('(min-width: 64em)').matches;
  return (
    <nav class="contents" aria-label="Contents">
      <details open={wide}>
        <summary>Contents</summary>
        <ol class="contents-themes">
          {themes.map((theme) => (
            <li key={theme.id}>
              <a href={`#theme-${theme.id}`} class="contents-theme">
                {theme.id}. {theme.title}
              </a>
              <ol class="contents-principles">
                {theme.principles.map((principle) => {
                  const ids = principle.claims.map((claim) => claim.id);
                  const done = answered(ids);
                  return (
                    <li key={principle.id}>
                      <a href={`#principle-${principle.id}`} class={done === ids.length ? 'contents-principle done' : 'contents-principle'}>
                        <span class="contents-id">{principle.id}</span>
                        <span class="contents-title">{principle.title}</span>
                        <span class="contents-count" aria-label={`${done} of ${ids.length} answered`}>
                          {done}/{ids.length}
                        </span>
                      </a>
                    </li>
                  );
                })}
              </ol>
            </li>
          ))}
          {extra.map((item) => (
            <li key={item.href}>
              <a href={item.href} class="contents-theme">
                {item.label}
              </a>
            </li>
          ))}
        </ol>
      </details>
    </nav>
  );
}

export function Footer({ framework }: { framework: Framework | null }) {
  return (
    <footer class="footer">
      <div class="wrap">
        {framework ? (
          <>
            <p>
              Theme and principle titles are from the {framework.name} (version {framework.version}), published by the {framework.publisher}. © Crown copyright.{' '}
              {framework.attribution}
            </p>
            <p>Claim texts are Assay’s own short paraphrases of the Code’s claims, not official wording.</p>
          </>
        ) : null}
        <p class="muted">Assay · supplier assurance against the UK Software Security Code of Practice.</p>
      </div>
    </footer>
  );
}

/** Where a small form stands: idle, sending, done or refused (with the text to show). */
export interface FormState {
  tone: 'idle' | 'busy' | 'ok' | 'error';
  text: string;
}

/** A small form's submit button and the message saying how its last submission went. */
export function FormActions({ label, state }: { label: string; state: FormState }) {
  return (
    <div class="form-actions">
      <button type="submit" class="button secondary" disabled={state.tone === 'busy'}>
        {label}
      </button>
      <p class={`form-message form-message-${state.tone}`} role={state.tone === 'error' ? 'alert' : 'status'}>
        {state.text}
      </p>
    </div>
  );
}
