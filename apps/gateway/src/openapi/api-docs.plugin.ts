import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenApiMerger } from './openapi-merger';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Assay API</title><link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="docs"></div><script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true });`;

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

/** `/api/v1/openapi.json` (merged) and `/api/docs` (a self-hosted viewer: no third-party requests). */
export async function apiDocsPlugin(fastify: FastifyInstance, deps: { merger: OpenApiMerger }): Promise<void> {
  const assetDir = dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(join(assetDir, name))]));

  fastify.get('/api/v1/openapi.json', async () => deps.merger.document());
  fastify.get('/api/docs', async (_request, reply) => reply.header('content-security-policy', CSP).type('text/html; charset=utf-8').send(PAGE));
  fastify.get('/api/docs/init.js', async (_request, reply) => reply.type('application/javascript; charset=utf-8').send(INIT));
  fastify.get<{ Params: { asset: string } }>('/api/docs/:asset', async (request, reply) => {
    const body = assets.get(request.params.asset);
    if (!body) return reply.status(404).send();
    return reply
      .header('cache-control', 'public, max-age=3600')
      .type(ASSETS[request.params.asset] as string)
      .send(body);
  });
}
