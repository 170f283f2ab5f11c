import { ConfigError } from '@assay/shared/config';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the build writes the supplier portal page (apps/portal-web, built by Vite). */
const PORTAL_PAGE_DIR = join(__dirname, '../../../portal-web');

/** Scripts, styles and connections from this origin only; no inline code, no framing, no foreign forms. */
const PORTAL_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/**
 * The link arrives with its token in the query string: no referrer may carry it elsewhere, and the
 * page is never cached (the page itself moves the token out of the address bar).
 */
const PAGE_HEADERS = {
  'content-security-policy': PORTAL_CSP,
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

/**
 * The supplier portal page at `/portal` and its fingerprinted assets under `/portal/assets/` (served
 * with @fastify/static, cached for a year). The page talks only to `/api/v1/portal/*` and the public
 * catalogue with the portal token.
 */
export async function portalPagePlugin(fastify: FastifyInstance): Promise<void> {
  const indexFile = join(PORTAL_PAGE_DIR, 'index.html');
  if (!existsSync(indexFile)) throw new ConfigError([`no supplier portal page found at ${indexFile}; run npm run build`]);
  const page = readFileSync(indexFile);
  const sendPage = (reply: FastifyReply) => reply.headers(PAGE_HEADERS).type('text/html; charset=utf-8').send(page);
  fastify.get('/portal', async (_request, reply) => sendPage(reply));
  fastify.get('/portal/', async (_request, reply) => sendPage(reply));
  await fastify.register(fastifyStatic, {
    root: join(PORTAL_PAGE_DIR, 'assets'),
    prefix: '/portal/assets/',
    decorateReply: false,
    index: false,
    list: false,
    dotfiles: 'deny',
    immutable: true,
    maxAge: '365d',
    setHeaders: (reply) => void reply.header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer'),
  });
}
