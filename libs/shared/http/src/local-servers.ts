import type { IncomingMessage, ServerResponse } from 'node:http';

/** Hands a request to an HTTP application as its server would (Fastify's `routing`). */
export type LocalHandler = (req: IncomingMessage, res: ServerResponse) => void;

const handlers = new Map<number, LocalHandler>();
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '0.0.0.0', '[::]']);
const resolved = new Map<string, number | null>();
const FORWARDED = Symbol('assay.forwardedInProcess');

/**
 * HTTP applications of this process by the port they listen on. A process that runs the gateway
 * beside the services (the `combined` layout of `npm start`) hands a request to a service of its own
 * without a socket: the same request and response objects go through the service's whole pipeline
 * (access guard, identity token, logging, metrics), minus the loopback connection, the HTTP client
 * and the second parse.
 */
export const localServers = {
  add(port: number, handler: LocalHandler): void {
    handlers.set(port, handler);
  },
  remove(port: number): void {
    handlers.delete(port);
  },
  /** The handler of this process serving `upstream` (a loopback origin), if there is one. */
  at(upstream: string): LocalHandler | undefined {
    let port = resolved.get(upstream);
    if (port === undefined) {
      const url = new URL(upstream);
      port = LOOPBACK.has(url.hostname) ? Number(url.port || (url.protocol === 'https:' ? 443 : 80)) : null;
      if (url.protocol !== 'http:') port = null;
      resolved.set(upstream, port);
    }
    return port === null ? undefined : handlers.get(port);
  },
  /** Marks a request handed over in process (the service then leaves out what only a socket hop needs). */
  markForwarded(req: IncomingMessage): void {
    (req as IncomingMessage & { [FORWARDED]?: true })[FORWARDED] = true;
  },
  isForwarded(req: IncomingMessage): boolean {
    return (req as IncomingMessage & { [FORWARDED]?: true })[FORWARDED] === true;
  },
};
