import { waitFor } from '@assay/shared/testing';
import { readFileSync } from 'node:fs';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { useTimeTravelStack } from './time-travel-stack';

/*
 * Advisory feeds pulled on the business clock, from a real local HTTP server: a real OSV record
 * (Log4Shell) imported once, the next poll a conditional request answered 304, garbage and a
 * server that never answers each marking their feed failing with the reason and retried with a
 * doubling delay. Polls are every hour (ADVISORY_FEED_POLL_MS); the test moves the clock.
 */

const HOUR = 3_600_000;
const LOG4SHELL = readFileSync(join(__dirname, '../../libs/evidence/src/advisories/__fixtures__/GHSA-jfh8-c2jp-5v3q.osv.json'));
const stack = useTimeTravelStack({ ADVISORY_FEED_POLL_MS: String(HOUR), EVIDENCE_URL_TIMEOUT_MS: '1500' });

interface Hit {
  path: string;
  headers: IncomingHttpHeaders;
}

async function feedServer(): Promise<{ url: string; hits: Hit[]; close(): Promise<void> }> {
  const hits: Hit[] = [];
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.push({ path, headers: request.headers });
    if (path === '/osv.json') {
      if (request.headers['if-none-match'] === '"log4shell-1"') return response.writeHead(304, { etag: '"log4shell-1"' }).end();
      return response.writeHead(200, { 'content-type': 'application/json', etag: '"log4shell-1"' }).end(LOG4SHELL);
    }
    if (path === '/garbage.json') return response.writeHead(200, { 'content-type': 'application/json' }).end('<html>maintenance</html>');
    if (path === '/silent.json') return; // never answers: the poll times out
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('advisory feeds over business time', () => {
  it('imports a feed once, asks conditionally after, and marks garbage and timeouts failing with backoff', async () => {
    const tt = stack();
    const server = await feedServer();
    try {
      const owner = await tt.account();
      const feed = (path: string, format = 'osv') => owner.call('POST', '/api/v1/advisory-feeds', { url: `${server.url}${path}`, format });
      const feeds = async () => ((await owner.call('GET', '/api/v1/advisory-feeds')) as { items: any[] }).items;
      const byUrl = async (path: string) => (await feeds()).find((item) => item.url === `${server.url}${path}`);
      const imports = async () =>
        (await tt.owner.query(`select status, outcome from evidence.advisory_imports where tenant_id = $1 order by created_at`, [owner.tenantId])).rows;

      const osv = await feed('/osv.json');
      await feed('/garbage.json');
      await feed('/silent.json', 'kev');

      // The first poll runs at once: the record is imported through the advisory import path.
      await waitFor(async () => (await imports()).some((row: { status: string }) => row.status === 'processed'), 'the feed’s document imported');
      expect((await imports())[0].outcome).toMatchObject({ imported: 1 });
      const advisories = await owner.call('GET', '/api/v1/advisories?q=GHSA-jfh8-c2jp-5v3q');
      expect(advisories.data).toHaveLength(1);
      const polled = await byUrl('/osv.json');
      expect(polled).toMatchObject({ id: osv.id, status: 'ok', lastError: null, lastPolledAt: expect.any(String) });
      expect(Date.parse(polled.nextPollAt) - Date.parse(polled.lastPolledAt)).toBe(HOUR);

      const garbage = await waitFor(async () => {
        const found = await byUrl('/garbage.json');
        return found?.status === 'failing' ? found : undefined;
      }, 'the garbage feed failing');
      expect(garbage.lastError).toBe('the feed answer is not JSON');
      const silent = await waitFor(async () => {
        const found = await byUrl('/silent.json');
        return found?.status === 'failing' ? found : undefined;
      }, 'the silent feed failing');
      expect(silent.lastError).toMatch(/could not be fetched/);
      // Retried with backoff: 30 s after the first failure.
      expect(Date.parse(silent.nextPollAt) - Date.parse(silent.lastPolledAt)).toBe(30_000);

      // A minute on, the failing feeds are retried (and fail again, now 60 s apart); the ok feed is not due.
      const osvHits = () => server.hits.filter((hit) => hit.path === '/osv.json');
      expect(osvHits()).toHaveLength(1);
      await tt.advance(60_000);
      const retried = await waitFor(async () => {
        const found = await byUrl('/garbage.json');
        return found && found.lastPolledAt !== garbage.lastPolledAt ? found : undefined;
      }, 'the garbage feed retried');
      expect(Date.parse(retried.nextPollAt) - Date.parse(retried.lastPolledAt)).toBe(60_000);
      expect(osvHits()).toHaveLength(1);

      // An hour on, the ok feed asks with its ETag; the 304 imports nothing and the feed stays ok.
      await tt.advance(HOUR);
      await owner.signIn();
      await waitFor(async () => osvHits().length === 2, 'the second poll of the OSV feed');
      expect(osvHits()[1]?.headers['if-none-match']).toBe('"log4shell-1"');
      await waitFor(async () => (await byUrl('/osv.json'))?.lastPolledAt !== polled.lastPolledAt, 'the second poll recorded');
      expect(await byUrl('/osv.json')).toMatchObject({ status: 'ok', lastError: null });
      expect(await imports()).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
