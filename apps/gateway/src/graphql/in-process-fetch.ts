import type { LocalHandler } from '@assay/shared/http/app';
import inject, { type InjectOptions } from 'light-my-request';

interface FetchInit {
  method?: string;
  headers?: Headers | Record<string, string> | [string, string][];
  body?: unknown;
}

/**
 * A fetch for subgraph calls to a service of this process (the `combined` layout of `npm start`, see
 * `localServers`): each call is a request of its own through the service's whole HTTP pipeline
 * (identity token, access guard, request context, log line, metrics), made of in-memory request and
 * response objects (light-my-request, what Fastify's own `inject` uses) instead of a loopback
 * connection, the HTTP client and a second parse.
 */
export function inProcessFetch(local: LocalHandler, Response: typeof globalThis.Response) {
  return async (url: string, init: FetchInit = {}): Promise<Response> => {
    const target = new URL(url);
    const headers = init.headers instanceof Headers || Array.isArray(init.headers) ? Object.fromEntries(init.headers) : { ...init.headers };
    const body = init.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !Buffer.isBuffer(body)) {
      throw new TypeError('A subgraph call in the process sends a string or a buffer');
    }
    const answer = await inject(local, {
      method: (init.method ?? 'GET') as InjectOptions['method'],
      url: `${target.pathname}${target.search}`,
      headers,
      ...(body === undefined || body === null ? {} : { payload: body }),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, String(item));
    }
    return new Response(answer.rawPayload as Uint8Array<ArrayBuffer>, { status: answer.statusCode, headers: responseHeaders });
  };
}
