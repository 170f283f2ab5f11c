import { machineNow } from '@assay/shared/clock';
import { SERVICE_NAMES, ServiceName } from '@assay/shared/contracts';

/** How long a replica that refused a connection is passed over before it is tried again. */
export const UPSTREAM_REST_MS = 5_000;

/**
 * The replicas of each service (`<SERVICE>_URL`, comma-separated) and the choice among them: round
 * robin, passing over a replica for a few seconds after it refused a connection (when every replica
 * is resting, the next in turn is tried anyway). Replicas are stateless, so any of them may answer
 * any request.
 */
export class ServiceUpstreams {
  private readonly turn = new Map<ServiceName, number>();
  private readonly restingUntil = new Map<string, number>();

  constructor(
    private readonly upstreams: Readonly<Record<ServiceName, readonly string[]>>,
    private readonly now: () => number = machineNow,
  ) {}

  /** The replica of `service` to send the next request to. */
  pick(service: ServiceName): string {
    const replicas = this.upstreams[service];
    if (replicas.length === 1) return replicas[0] as string;
    const start = this.turn.get(service) ?? 0;
    this.turn.set(service, (start + 1) % replicas.length);
    const now = this.now();
    for (let offset = 0; offset < replicas.length; offset++) {
      const replica = replicas[(start + offset) % replicas.length] as string;
      if ((this.restingUntil.get(replica) ?? 0) <= now) return replica;
    }
    return replicas[start % replicas.length] as string;
  }

  /** A replica refused or dropped a connection: pass over it for a while. */
  refused(replica: string): void {
    this.restingUntil.set(replica, this.now() + UPSTREAM_REST_MS);
  }

  /** The replica of the service a URL under that service's first upstream is sent to instead (subgraph calls). */
  route(url: string): string {
    for (const service of SERVICE_NAMES) {
      const [first] = this.upstreams[service];
      if (first && this.upstreams[service].length > 1 && url.startsWith(`${first}/`)) return `${this.pick(service)}${url.slice(first.length)}`;
    }
    return url;
  }
}

/** Whether a failed upstream call means the replica itself is unreachable (rather than slow or erring); the proxy wraps the socket's error as the cause. */
export function isConnectionFailure(error: unknown): boolean {
  const failure = error as { code?: string; cause?: { code?: string } } | null;
  return [failure?.code, failure?.cause?.code].some((code) => UNREACHABLE.includes(code ?? ''));
}

const UNREACHABLE = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT'];
