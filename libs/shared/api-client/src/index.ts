/**
 * The typed client of the Assay REST API: `openapi-fetch` over the types `openapi-typescript`
 * generates from the public OpenAPI document (`openapi.generated.ts`, rewritten by `npm run build`).
 * Every path, parameter, request body and response is typed from the document.
 */
import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { components, operations, paths } from './openapi.generated';

export type { components, operations, paths };
/** The document's named schemas: request DTOs, views and the shared `Problem`. */
export type Schemas = components['schemas'];
/** An RFC 9457 problem document, the body of every error response. */
export type Problem = Schemas['Problem'];
export type AssayClient = Client<paths>;

export interface AssayClientOptions extends Omit<ClientOptions, 'baseUrl'> {
  /** Where the gateway is (`http://localhost:3000`); leave out for the page's own origin. */
  baseUrl?: string;
  /** A user access token, an API key or a supplier portal token, sent as the bearer credential. */
  token?: string;
}

/** A client of the Assay REST API at `baseUrl`, authenticated with `token` when given. */
export function createAssayClient(options: AssayClientOptions = {}): AssayClient {
  const { token, headers, ...rest } = options;
  return createClient<paths>({
    ...rest,
    headers: { ...(headers as Record<string, string> | undefined), ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}
