import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';

/** One request the server accepted, for tests that look at how a client used the protocol. */
export interface S3Request {
  method: string;
  path: string;
  query: Record<string, string>;
  /** A server-side copy (`x-amz-copy-source`). */
  copy: boolean;
  bytes: number;
}

export interface TestS3Server {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Requests that passed the signature check, in order. */
  readonly accepted: S3Request[];
  /** Requests refused for a missing or wrong signature. */
  readonly refused: number;
  /** The environment that points Assay's S3 driver at this server (prefix optional). */
  env(prefix?: string): Record<string, string>;
  stop(): Promise<void>;
}

interface KoaContext {
  req: IncomingMessage;
  method: string;
  path: string;
  status: number;
  type: string;
  body: unknown;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
const rfc3986 = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60_000;

function canonicalQuery(raw: string): string {
  if (!raw) return '';
  return raw
    .split('&')
    .map((pair) => {
      const at = pair.indexOf('=');
      const [key, value] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      return [rfc3986(decodeURIComponent(key)), rfc3986(decodeURIComponent(value))] as const;
    })
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/**
 * Checks an AWS Signature Version 4 `Authorization` header the way S3 does, written here from the
 * specification rather than with the SDK's signer, so a client signing wrongly is caught. Returns
 * why the request is refused, or null.
 */
function signatureProblem(
  request: IncomingMessage,
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string },
  region: string,
): string | null {
  const match = AUTHORIZATION.exec(String(request.headers['authorization'] ?? ''));
  if (!match) return 'no AWS4-HMAC-SHA256 Authorization header';
  const [, accessKeyId, day, scopeRegion, signedHeaderList, signature] = match as unknown as [string, string, string, string, string, string];
  if (accessKeyId !== credentials.accessKeyId) return 'unknown access key';
  if (scopeRegion !== region) return `credential scope names region ${scopeRegion}`;
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== day) return 'x-amz-date missing or outside the credential scope';
  const signedAt = Date.parse(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  if (Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) return 'request time too skewed';
  const payloadHash = String(request.headers['x-amz-content-sha256'] ?? '');
  if (payloadHash !== 'UNSIGNED-PAYLOAD' && payloadHash !== sha256(body)) return 'x-amz-content-sha256 does not match the body';
  const signedHeaders = signedHeaderList.split(';');
  for (const required of ['host', 'x-amz-date', 'x-amz-content-sha256']) if (!signedHeaders.includes(required)) return `${required} is not signed`;
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const canonicalRequest = [
    request.method ?? 'GET',
    queryAt < 0 ? url : url.slice(0, queryAt),
    canonicalQuery(queryAt < 0 ? '' : url.slice(queryAt + 1)),
    signedHeaders
      .map(
        (name) =>
          `${name}:${String(request.headers[name] ?? '')
            .trim()
            .replace(/\s+/g, ' ')}\n`,
      )
      .join(''),
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const scope = `${day}/${region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), 's3'), 'aws4_request');
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  return timingSafeEqual(expected, Buffer.from(signature, 'hex')) ? null : 'signature does not match';
}

/**
 * A real S3-protocol server for tests (s3rver over a temporary directory) that insists on correctly
 * signed requests: every request must carry a valid SigV4 signature for this server's credentials
 * and region, and its body must match the signed payload hash (s3rver itself checks neither). It
 * runs in the process that starts it.
 */
export async function startS3Server(options: { bucket?: string; region?: string } = {}): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'assay-s3-'));
  const bucket = options.bucket ?? 'assay-test-evidence';
  const region = options.region ?? 'eu-west-2';
  // s3rver knows one access key id; the secret is this server's own and checked here.
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: randomBytes(24).toString('base64url') };
  const accepted: S3Request[] = [];
  let refused = 0;
  // s3rver's store is not safe under concurrent writes: deleting an object prunes its now-empty
  // directory, which can vanish under a write in flight (and the write's error is unhandled). Writes
  // therefore take turns; reads run freely.
  let writes: Promise<unknown> = Promise.resolve();
  const inTurn = (work: () => Promise<void>) => {
    const turn = writes.then(work, work);
    writes = turn.catch(() => undefined);
    return turn;
  };
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false, configureBuckets: [{ name: bucket }] });
  server.middleware.unshift(async (ctx: KoaContext, next: () => Promise<void>) => {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const problem = signatureProblem(ctx.req, body, credentials, region);
    if (problem) {
      refused += 1;
      ctx.status = 403;
      ctx.type = 'application/xml';
      ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>${problem}</Message></Error>`;
      return;
    }
    const url = new URL(ctx.req.url ?? '/', 'http://s3.test');
    accepted.push({
      method: ctx.method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      copy: 'x-amz-copy-source' in ctx.req.headers,
      bytes: body.length,
    });
    // s3rver reads the body from ctx.req: hand it the bytes already read.
    ctx.req = Object.assign(Readable.from(body.length > 0 ? [body] : []), {
      headers: ctx.req.headers,
      url: ctx.req.url,
      method: ctx.req.method,
    }) as unknown as IncomingMessage;
    await (ctx.method === 'GET' || ctx.method === 'HEAD' ? next() : inTurn(next));
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    region,
    bucket,
    ...credentials,
    accepted,
    get refused() {
      return refused;
    },
    env: (prefix = '') => ({
      STORAGE_URL: `s3://${bucket}${prefix ? `/${prefix}` : ''}`,
      S3_ENDPOINT: endpoint,
      S3_REGION: region,
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: credentials.accessKeyId,
      S3_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      S3_PART_SIZE: String(5 * 1024 * 1024),
    }),
    stop: async () => {
      server.httpServer.closeAllConnections();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
