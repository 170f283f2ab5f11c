import type { AppConfig } from '@assay/shared/config';
import type { Identity } from '@assay/shared/contracts';
import { ProblemException } from '@assay/shared/http';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RedisClient } from '@assay/shared/redis';
import { principalKey } from '../authentication/gateway-authenticator';

/** Sign-in routes, limited per client address as well (credential stuffing, sign-up floods). */
const SIGN_IN_ROUTES = new Set(['/api/v1/auth/signup', '/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/invitations/accept']);

/** A route's shape, so `/suppliers/<id>` of every id counts as one route. */
export function routeKey(method: string, url: string): string {
  const path = (url.split('?')[0] ?? '')
    .split('/')
    .map((segment) =>
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(segment) || /^\d+$/.test(segment) || segment.length > 40 ? ':id' : segment,
    )
    .join('/');
  return `${method.toUpperCase()} ${path.slice(0, 200)}`;
}

type Check = (request: FastifyRequest) => Promise<{ isAllowed: boolean; max?: number; remaining?: number; ttlInSeconds?: number; isExceeded?: boolean }>;

interface KeyedRequest extends FastifyRequest {
  assayRateKey?: string;
}

/**
 * Rate limits at the edge, counted in Redis so every gateway replica shares them: per principal
 * (user, API key, portal token, or address when anonymous) and route, plus per address on the
 * sign-in routes. Answers carry `RateLimit-Limit/Remaining/Reset`; over the limit → 429 with
 * `Retry-After`. If Redis is unreachable the limits are skipped rather than the API taken down.
 */
export class GatewayRateLimits {
  private principal!: Check;
  private signIn!: Check;

  constructor(private readonly config: AppConfig) {}

  async register(fastify: FastifyInstance, redis: RedisClient): Promise<void> {
    const limits = this.config.rateLimit;
    // Counters are shared by replicas with the same limits; a changed limit starts fresh counters.
    const nameSpace = `assay:rate:${limits.max}:${limits.authMax}:${limits.windowMs}:`;
    await fastify.register(rateLimit, { global: false, redis, nameSpace, skipOnError: true });
    const keyGenerator = (request: FastifyRequest) => (request as KeyedRequest).assayRateKey ?? request.ip;
    this.principal = fastify.createRateLimit({ max: limits.max, timeWindow: limits.windowMs, keyGenerator }) as unknown as Check;
    this.signIn = fastify.createRateLimit({ max: limits.authMax, timeWindow: limits.windowMs, keyGenerator }) as unknown as Check;
  }

  /** Counts the request; sets the headers; throws 429 when a limit is exceeded. */
  async apply(request: FastifyRequest, reply: FastifyReply, identity: Identity | null): Promise<void> {
    const route = routeKey(request.method, request.url);
    const keyed = request as KeyedRequest;
    keyed.assayRateKey = `${identity ? principalKey(identity, request) : `unauthenticated:${request.ip}`}|${route}`;
    const results = [await this.principal(request)];
    if (SIGN_IN_ROUTES.has((request.url.split('?')[0] ?? '').replace(/\/+$/, ''))) {
      keyed.assayRateKey = `sign-in:${request.ip}|${route}`;
      results.push(await this.signIn(request));
    }
    const counted = results.filter((result) => !result.isAllowed && result.max !== undefined);
    if (counted.length === 0) return;
    const tightest = counted.reduce((a, b) => ((a.remaining ?? 0) <= (b.remaining ?? 0) ? a : b));
    void reply
      .header('ratelimit-limit', String(tightest.max))
      .header('ratelimit-remaining', String(tightest.remaining))
      .header('ratelimit-reset', String(tightest.ttlInSeconds));
    const exceeded = counted.find((result) => result.isExceeded);
    if (exceeded) {
      throw new ProblemException(
        429,
        'Rate limit exceeded; retry after the time given in Retry-After',
        {},
        { 'retry-after': String(Math.max(1, exceeded.ttlInSeconds ?? 1)) },
      );
    }
  }
}
