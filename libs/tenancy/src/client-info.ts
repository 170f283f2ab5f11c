import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { ClientInfo } from './tenancy-writes';

/** The caller's address and agent as the gateway forwarded them (services are reached only through it). */
export const Client = createParamDecorator((_data: unknown, context: ExecutionContext): ClientInfo => {
  const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; ip?: string }>();
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const agent = request.headers['user-agent'];
  return { ip: (first || request.ip || 'unknown').slice(0, 64), userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
});
