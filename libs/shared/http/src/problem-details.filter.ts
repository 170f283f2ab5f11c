import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE, ProblemDetails, ProblemException, problem } from './problem-details';

/**
 * What Postgres, its client and Redis say when the dependency is away, restarting or out of
 * connections: connection refused, reset or timed out; SQLSTATE class 08 (connection exception),
 * 57P01–57P03 (terminated by the administrator, crash shutdown, cannot connect now) and 53300 (too
 * many connections); a pool client broken by a lost connection, or a transaction whose connection
 * TypeORM released when it was lost; a Redis command refused or timed out, or a Redis Cluster down.
 */
const DEPENDENCY_DOWN = new RegExp(
  [
    'ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH',
    '\\b08(000|001|003|004|006|007|P01)\\b|\\b57P0[123]\\b|\\b53300\\b',
    'Connection terminated|connection timeout|timeout exceeded when trying to connect|is not queryable|too many clients|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)',
    "Stream isn't writeable|enableOfflineQueue|Reached the max retries|Command timed out|Connection is closed",
    // A Redis Cluster down, failing over or not yet reachable.
    'CLUSTERDOWN|TRYAGAIN|None of startup nodes is available|Failed to refresh slots cache|Too many Cluster redirections|Cluster is disconnected',
    // TypeORM releases a transaction's connection when it is lost; the transaction's next query says so.
    'connection provided by a query runner was already released|Query runner already released',
  ].join('|'),
  'i',
);

/** Is this error a dependency (Postgres, Redis) being unreachable rather than a bug? */
export function isDependencyDown(error: unknown): boolean {
  return DEPENDENCY_DOWN.test(`${(error as { code?: string })?.code ?? ''} ${(error as Error)?.message ?? ''}`);
}

/** Maps every error to problem+json; unknown errors become a 500 without leaking internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() === 'graphql') return exception instanceof HttpException ? exception : this.toGraphqlError(exception);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { body, headers } = this.toProblem(exception);
    for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
    return reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  toProblem(exception: unknown): { body: ProblemDetails; headers: Record<string, string> } {
    if (exception instanceof ProblemException) {
      return { body: exception.getResponse() as ProblemDetails, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : exception.message;
      return { body: problem(status, detail), headers: {} };
    }
    // Fastify's own errors (body too large, bad JSON, unsupported content type) carry a statusCode.
    const statusCode = (exception as { statusCode?: unknown })?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      return { body: problem(statusCode, (exception as Error).message), headers: {} };
    }
    if (isDependencyDown(exception)) {
      this.logger.warn(`dependency unavailable: ${(exception as Error).message}`);
      return { body: problem(503, 'A dependency is temporarily unavailable; retry shortly'), headers: { 'retry-after': '5' } };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { body: problem(500, 'An unexpected error occurred'), headers: {} };
  }

  private toGraphqlError(exception: unknown): unknown {
    const { body } = this.toProblem(exception);
    return new HttpException(body, body.status);
  }
}
