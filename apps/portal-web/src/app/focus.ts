import { claimAnchor } from './claims';

/** Follows a link to a claim: scrolls to its card and puts the keyboard on its first control. */
export function focusClaim(event: Event, claimId: string): void {
  const card = document.getElementById(claimAnchor(claimId));
  if (!card) return;
  event.preventDefault();
  history.replaceState(null, '', `#${claimAnchor(claimId)}`);
  const control = card.querySelector<HTMLElement>('input:checked, input, textarea, button') ?? card;
  card.scrollIntoView({ block: 'start' });
  control.focus({ preventScroll: true });
}

/** Moves focus to an element that just appeared (an error summary, a confirmation). */
export function focusSoon(id: string): void {
  requestAnimationFrame(() => document.getElementById(id)?.focus());
}
