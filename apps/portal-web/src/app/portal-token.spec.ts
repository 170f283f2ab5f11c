import { memoryStorage } from './test-fixtures';
import { TOKEN_STORAGE_KEY, takePortalToken } from './portal-token';

const TOKEN = `assay_portal_${'A'.repeat(64)}`;

describe('takePortalToken', () => {
  it('takes the token out of the address bar, keeping the rest of the address, and keeps it for the tab', () => {
    const storage = memoryStorage();
    const replaceState = jest.fn();
    expect(takePortalToken({ pathname: '/portal', search: `?token=${TOKEN}&lang=en`, hash: '#claim-1.1.1' }, { replaceState }, storage)).toBe(TOKEN);
    expect(replaceState).toHaveBeenCalledWith(null, '', '/portal?lang=en#claim-1.1.1');
    expect(storage.items.get(TOKEN_STORAGE_KEY)).toBe(TOKEN);
  });

  it('uses the token kept earlier in the tab when the address has none (a reload)', () => {
    const replaceState = jest.fn();
    expect(takePortalToken({ pathname: '/portal', search: '', hash: '' }, { replaceState }, memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN }))).toBe(TOKEN);
    expect(replaceState).not.toHaveBeenCalled();
  });

  it('lets a new link replace the kept token, and keeps nothing that cannot be a token', () => {
    const storage = memoryStorage({ [TOKEN_STORAGE_KEY]: TOKEN });
    const replaceState = jest.fn();
    expect(takePortalToken({ pathname: '/portal', search: '?token=%3Cscript%3E', hash: '' }, { replaceState }, storage)).toBe('<script>');
    expect(replaceState).toHaveBeenCalledWith(null, '', '/portal');
    expect(storage.items.has(TOKEN_STORAGE_KEY)).toBe(false);
  });
});
