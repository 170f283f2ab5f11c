/** Where the token is kept for the life of the tab, so a reload works once it has left the address bar. */
export const TOKEN_STORAGE_KEY = 'assay.portal.token';

const PORTAL_TOKEN = /^assay_portal_[A-Za-z0-9_-]{16,243}$/;

export function looksLikePortalToken(token: string): boolean {
  return PORTAL_TOKEN.test(token);
}

interface PageLocation {
  search: string;
  pathname: string;
  hash: string;
}

/**
 * The portal token of this tab. A token in the link (`?token=…`) is removed from the address bar (so
 * it does not linger in history, bookmarks or screenshots) and kept in session storage, replacing any
 * kept before (one that cannot be a token is not kept); without one, the token kept earlier is used.
 */
export function takePortalToken(
  location: PageLocation,
  history: Pick<History, 'replaceState'>,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>,
): string | null {
  const params = new URLSearchParams(location.search);
  const fromLink = params.get('token')?.trim();
  if (fromLink === undefined) return storage.getItem(TOKEN_STORAGE_KEY);
  params.delete('token');
  const rest = params.toString();
  history.replaceState(null, '', `${location.pathname}${rest ? `?${rest}` : ''}${location.hash}`);
  if (looksLikePortalToken(fromLink)) storage.setItem(TOKEN_STORAGE_KEY, fromLink);
  else storage.removeItem(TOKEN_STORAGE_KEY);
  return fromLink;
}
