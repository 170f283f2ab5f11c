import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Identity, Permission, ServiceName, hasPermissions } from '@assay/shared/contracts';
import { RequestContext } from '@assay/shared/tenancy-context';
import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { INTERNAL_IDENTITY_HEADER, IdentityTokenVerifier, InvalidIdentityTokenError } from './internal-identity-token';

const PUBLIC_ROUTE = 'assay:public-route';
const ANONYMOUS_ALLOWED = 'assay:anonymous-allowed';
const REQUIRED_PERMISSIONS = 'assay:required-permissions';
const PORTAL_ROUTE = 'assay:portal-route';
const GATEWAY_INTERNAL = 'assay:gateway-internal';

/** Operational routes reached without any identity (health, metrics, the service's OpenAPI). */
export const InternalPublic = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);
/** Routes anyone may call, signed in or not (the public catalogue, signup, login). */
export const AllowAnonymous = (): MethodDecorator & ClassDecorator => SetMetadata(ANONYMOUS_ALLOWED, true);
/**
 * A tenant route: the caller (a user through their role, or an API key through its scopes) must hold
 * every permission listed. Routes that declare no access rule are refused: access is fail-closed.
 */
export const Access = (...permissions: [Permission, ...Permission[]]): MethodDecorator & ClassDecorator => SetMetadata(REQUIRED_PERMISSIONS, permissions);
/** A supplier portal route: only a portal token, which binds the call to its one assessment and contact. */
export const PortalAccess = (): MethodDecorator & ClassDecorator => SetMetadata(PORTAL_ROUTE, true);
/** Called only by the gateway itself (credential verification), never routed from outside. */
export const GatewayInternal = (): MethodDecorator & ClassDecorator => SetMetadata(GATEWAY_INTERNAL, true);

/** The identity the gateway uses for its own calls to services. */
export const GATEWAY_PRINCIPAL = 'gateway';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

interface RequestWithIdentity {
  headers: Record<string, string | string[] | undefined>;
  assayIdentity?: Identity;
}

function requestOf(context: ExecutionContext): RequestWithIdentity | undefined {
  if (context.getType<string>() === 'graphql') {
    // Field resolvers get (parent, args, context, info); entity reference resolvers (reference, context, info).
    const gqlContext = context.getArgByIndex(2) as { req?: RequestWithIdentity } | undefined;
    return gqlContext?.req ?? (context.getArgByIndex(1) as { req?: RequestWithIdentity } | undefined)?.req;
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
    return this.authorize(identity, targets);
  }

  private authorize(identity: Identity, targets: Parameters<Reflector['getAllAndOverride']>[1]): boolean {
    const meta = <T>(key: string): T | undefined => this.reflector.getAllAndOverride<T>(key, targets);
    if (meta<boolean>(ANONYMOUS_ALLOWED)) return true;
    if (identity.kind === 'anonymous') throw new UnauthorizedException('Authentication required');
    if (meta<boolean>(GATEWAY_INTERNAL)) {
      if (identity.kind === 'system' && identity.principalId === GATEWAY_PRINCIPAL) return true;
      throw new ForbiddenException('This route is internal to Assay');
    }
    if (meta<boolean>(PORTAL_ROUTE)) {
      if (identity.kind === 'portal' && identity.portal && identity.tenantId) return true;
      throw new ForbiddenException('This route needs a supplier portal token');
    }
    const required = meta<Permission[]>(REQUIRED_PERMISSIONS);
    if (!required) throw new ForbiddenException('This route declares no access rule');
    if (identity.kind !== 'user' && identity.kind !== 'api_key') throw new ForbiddenException('This route needs a user or an API key');
    if (!identity.tenantId && !(identity.kind === 'user' && required.every((permission) => permission === 'self'))) {
      throw new ForbiddenException('This route needs a tenant');
    }
    if (!hasPermissions(identity, required)) throw new ForbiddenException(`This needs ${required.join(' and ')}, which the caller does not hold`);
    return true;
  }
}
