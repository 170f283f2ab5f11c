import { clock } from '@assay/shared/clock';
import { ProblemException } from '@assay/shared/http';
import { PORTAL_LINK_AFTER_DUE_MS, linkValidUntil } from '../portal/portal-tokens.service';
import { MAX_DUE_MS, checkedDueAt } from './assessment-due-dates';

const DAY = 86_400_000;

describe('due dates', () => {
  it('takes a future date at most two years ahead of business time, and names the field otherwise', () => {
    const now = clock.nowMs();
    expect(checkedDueAt(new Date(now + DAY).toISOString()).getTime()).toBe(now + DAY);
    for (const bad of [new Date(now - DAY).toISOString(), new Date(now + MAX_DUE_MS + DAY).toISOString(), 'soon']) {
      try {
        checkedDueAt(bad, 'requestedDueAt');
        throw new Error(`accepted ${bad}`);
      } catch (error) {
        expect(error).toBeInstanceOf(ProblemException);
        expect(JSON.stringify((error as ProblemException).getResponse())).toContain('requestedDueAt');
      }
    }
  });

  it('keeps a portal link valid until 30 days past the due date', () => {
    const dueAt = new Date('2027-03-01T17:00:00Z');
    expect(PORTAL_LINK_AFTER_DUE_MS).toBe(30 * DAY);
    expect(linkValidUntil(dueAt).toISOString()).toBe('2027-03-31T17:00:00.000Z');
  });
});
