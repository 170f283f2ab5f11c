import type { AppConfig } from '@assay/shared/config';
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const EXPIRY_DAYS = 180;

/** The security.txt document (RFC 9116) for this deployment; `Expires` stays about six months ahead. */
export function securityTxt(config: AppConfig, now = new Date()): string {
  const expires = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + EXPIRY_DAYS));
  return [
    `Contact: ${config.securityContact}`,
    `Expires: ${expires.toISOString().replace(/\.\d{3}Z$/, 'Z')}`,
    `Policy: ${config.publicUrl}/.well-known/security-policy.txt`,
    'Preferred-Languages: en',
    `Canonical: ${config.publicUrl}/.well-known/security.txt`,
    '',
  ].join('\n');
}

/** Serves `/.well-known/security.txt` and the disclosure policy it points to. */
export async function securityTxtPlugin(fastify: FastifyInstance, options: { config: AppConfig }): Promise<void> {
  const policy = readFileSync(join(__dirname, 'security-policy.txt'), 'utf8');
  const headers = { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' };
  fastify.get('/.well-known/security.txt', async (_request, reply) => reply.headers(headers).send(securityTxt(options.config)));
  fastify.get('/security.txt', async (_request, reply) => reply.redirect('/.well-known/security.txt', 301));
  fastify.get('/.well-known/security-policy.txt', async (_request, reply) => reply.headers(headers).send(policy));
}
