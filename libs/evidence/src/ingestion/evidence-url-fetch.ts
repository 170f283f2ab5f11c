import { Resolver, SafeResponse, safeRequest } from '@assay/shared/net';

/** URL evidence that cannot be taken (refused target, failed fetch, bad answer): ends `rejected` with the reason. */
export class RejectedEvidence extends Error {}

export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface EvidenceFetchOptions {
  /** `WEBHOOK_ALLOW_PRIVATE`: private and loopback targets allowed (tests, on-premises). */
  allowPrivate: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  /** How host names are resolved (the system resolver unless given). */
  resolver?: Resolver;
  /** Request headers beside the user agent (a conditional request's validators). */
  headers?: Record<string, string>;
}

/**
 * GET through the SSRF guard, following up to MAX_REDIRECTS redirects, each target checked again
 * like the first (scheme, credentials, address) before anything connects to it.
 */
export async function fetchEvidenceUrl(start: string, options: EvidenceFetchOptions): Promise<SafeResponse> {
  let url = start;
  for (let hop = 0; ; hop++) {
    let response: SafeResponse;
    try {
      response = await safeRequest(url, {
        allowPrivate: options.allowPrivate,
        timeoutMs: options.timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
        resolver: options.resolver,
        headers: { 'user-agent': 'Assay-Evidence/1', accept: '*/*', ...options.headers },
      });
    } catch (error) {
      throw new RejectedEvidence(`the URL could not be fetched${hop > 0 ? ` (redirect ${hop})` : ''}: ${(error as Error).message.slice(0, 200)}`);
    }
    const location = response.headers['location'];
    if (!REDIRECTS.has(response.status) || typeof location !== 'string') return response;
    if (hop >= MAX_REDIRECTS) throw new RejectedEvidence(`the URL redirected more than ${MAX_REDIRECTS} times`);
    try {
      url = new URL(location, url).toString();
    } catch {
      throw new RejectedEvidence('the URL redirected to an invalid location');
    }
  }
}
