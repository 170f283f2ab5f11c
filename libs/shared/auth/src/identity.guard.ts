import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Identity, ServiceName } from '@assay/shared/contracts';
import { RequestContext } from '@assay/shared/tenancy-context';
import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { INTERNAL_IDENTITY_HEADER, IdentityTokenVerifier, InvalidIdentityTokenError } from './internal-identity-token';

const PUBLIC_ROUTE = 'assay:public-route';
const ANONYMOUS_ALLOWED = 'assay:anonymous-allowed';

/** Operational routes reached without any identity (health, metrics, the service's OpenAPI). */
export const InternalPublic = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
/** Routes the gateway may forward for callers who did not authenticate (the public catalogue). */
export const AllowAnonymous = (): MethodDecorator & ClassDecorator => SetMetadata(ANONYMOUS_ALLOWED, true);

export const SERVICE_NAME = Symbol('SERVICE_NAME');

interface RequestWithIdentity {
  headers: Record<string, string | string[] | undefined>;
  assayIdentity?: Identity;
}

function requestOf(context: ExecutionContext): RequestWithIdentity | undefined {
  if (context.getType<string>() === 'graphql') {
    const gqlContext = context.getArgByIndex(2) as { req?: RequestWithIdentity } | undefined;
    return gqlContext?.req;
  }
  return context.switchToHttp().getRequest<RequestWithIdentity>();
}

/**
 * Every service request must carry the gateway's identity token; client-supplied identity headers
 * are never trusted. Anonymous identities reach only routes marked @AllowAnonymous.
 */
@Injectable()
export class IdentityGuard implements CanActivate {
  private readonly verifier: IdentityTokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(SERVICE_NAME) serviceName: ServiceName,
  ) {
    if (!config.internalTokenPublicKey) throw new Error('INTERNAL_TOKEN_PUBLIC_KEY is required');
    this.verifier = new IdentityTokenVerifier(config.internalTokenPublicKey, serviceName);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = requestOf(context);
    if (!request) throw new UnauthorizedException('No request to authenticate');
    if (!request.assayIdentity) {
      const header = request.headers[INTERNAL_IDENTITY_HEADER];
      try {
        request.assayIdentity = await this.verifier.verify(Array.isArray(header) ? header[0] : header);
      } catch (error) {
        if (error instanceof InvalidIdentityTokenError) throw new UnauthorizedException('Requests must come through the gateway');
        throw error;
      }
    }
    const identity = request.assayIdentity;
    if (RequestContext.isActive()) RequestContext.bindIdentity(identity);
    if (identity.kind === 'anonymous' && !this.reflector.getAllAndOverride<boolean>(ANONYMOUS_ALLOWED, targets)) {
      throw new UnauthorizedException('Authentication required');
    }
    return true;
  }
}
