import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { Identity, Permission, PortalLinkKind, ServiceName, hasPermissions, portalLinkKind } from '@assay/shared/contracts';
import { RequestContext } from '@assay/shared/tenancy-context';
import { CanActivate, ExecutionContext, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException, applyDecorators } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension } from '@nestjs/swagger';
import { INTERNAL_IDENTITY_HEADER, IdentityTokenVerifier, InvalidIdentityTokenError } from './internal-identity-token';

const ACCESS_RULE = 'assay:access-rule';

/** The OpenAPI extension on every operation naming the rule its route declares. */
export const ACCESS_EXTENSION = 'x-assay-access';

/**
 * Who may call a route or GraphQL field, as declared by one of the decorators below. A declaration on
 * a method replaces one on its class, so each handler has exactly one rule.
 */
export type AccessRule =
  /** A user (through their role) or an API key (through its scopes) holding every permission listed. */
  | { kind: 'permissions'; permissions: Permission[] }
  /** Anyone, signed in or not. */
  | { kind: 'anonymous' }
  /** Only a supplier portal token: an assessment link, or (when `links` is given) a link of one of those kinds. */
  | { kind: 'portal'; links?: PortalLinkKind[] }
  /** Operational routes reached without any identity; never routed by the gateway. */
  | { kind: 'internal' }
  /** Only the gateway's own identity. */
  | { kind: 'gateway' };

/**
 * Records the rule for the guard and, on REST routes, in the OpenAPI document as `x-assay-access`
 * (on a class, for every route of the controller), so integrators and the access tests read the rule
 * that is enforced.
 */
function declareAccess(rule: AccessRule): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(ACCESS_RULE, rule), ApiExtension(ACCESS_EXTENSION, rule));
}

/** Operational routes reached without any identity (health, metrics, the service's OpenAPI). */
export const InternalPublic = (): MethodDecorator & ClassDecorator => declareAccess({ kind: 'internal' });
/** Routes anyone may call, signed in or not (the public catalogue, signup, login). */
export const AllowAnonymous = (): MethodDecorator & ClassDecorator => declareAccess({ kind: 'anonymous' });
/**
 * A tenant route: the caller (a user through their role, or an API key through its scopes) must hold
 * every permission listed. Routes that declare no access rule are refused: access is fail-closed.
 */
export const Access = (...permissions: [Permission, ...Permission[]]): MethodDecorator & ClassDecorator => declareAccess({ kind: 'permissions', permissions });
/**
 * A supplier portal route: only a portal token, which binds the call to its one assessment and contact.
 * Without arguments, only assessment links; otherwise links of the kinds listed (a renewal or findings
 * link reaches nothing else).
 */
export const PortalAccess = (...links: PortalLinkKind[]): MethodDecorator & ClassDecorator =>
  declareAccess(links.length ? { kind: 'portal', links } : { kind: 'portal' });
/** Called only by the gateway itself (credential verification), never routed from outside. */
export const GatewayInternal = (): MethodDecorator & ClassDecorator => declareAccess({ kind: 'gateway' });

/** The rule a handler declares (its own, else its class's), or undefined when it declares none. */
export function accessRuleOf(handler: object, owner: object): AccessRule | undefined {
  return (Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, owner)) as AccessRule | undefined;
}

/** The identity the gateway uses for its own calls to services. */
export const GATEWAY_PRINCIPAL = 'gateway';

export const SERVICE_NAME = Symbol('SERVICE_NAME');

interface RequestWithIdentity {
  id?: string;
  headers: Record<string, string | string[] | undefined>;
  assayIdentity?: Identity;
  /** The rules this request's identity was already admitted by (GraphQL checks one per resolved field). */
  assayAdmitted?: Set<AccessRule>;
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

  /** Each handler's rule by its class, looked up once (metadata does not change after start-up). */
  private readonly rules = new WeakMap<object, WeakMap<object, AccessRule | null>>();

  private ruleOf(context: ExecutionContext): AccessRule | undefined {
    const owner = context.getClass();
    const handler = context.getHandler();
    let ofClass = this.rules.get(owner);
    if (!ofClass) this.rules.set(owner, (ofClass = new WeakMap()));
    let rule = ofClass.get(handler);
    if (rule === undefined) {
      rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [handler, owner]) ?? null;
      ofClass.set(handler, rule);
    }
    return rule ?? undefined;
  }

  /**
   * Synchronous when the request's identity was already admitted by the same rule (the fields of a
   * GraphQL request after the first): the decision depends only on the identity and the rule.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.ruleOf(context);
    if (rule?.kind === 'internal') return true;
    const request = requestOf(context);
    if (!request) throw new UnauthorizedException('No request to authenticate');
    const identity = request.assayIdentity;
    if (identity && rule && request.assayAdmitted?.has(rule)) {
      if (RequestContext.isActive() && !RequestContext.isBoundTo(identity)) RequestContext.bindIdentity(identity);
      return true;
    }
    return this.admit(request, rule);
  }

  private async admit(request: RequestWithIdentity, rule: AccessRule | undefined): Promise<boolean> {
    if (!request.assayIdentity) {
      const header = request.headers[INTERNAL_IDENTITY_HEADER];
      try {
        request.assayIdentity = await this.verifier.verify(Array.isArray(header) ? header[0] : header, request.id ?? 'unknown');
      } catch (error) {
        if (error instanceof InvalidIdentityTokenError) throw new UnauthorizedException('Requests must come through the gateway');
        throw error;
      }
    }
    const identity = request.assayIdentity;
    if (RequestContext.isActive()) RequestContext.bindIdentity(identity);
    const admitted = this.authorize(identity, rule);
    if (admitted && rule) (request.assayAdmitted ??= new Set()).add(rule);
    return admitted;
  }

  private authorize(identity: Identity, rule: AccessRule | undefined): boolean {
    if (rule?.kind === 'anonymous') return true;
    if (identity.kind === 'anonymous') throw new UnauthorizedException('Authentication required');
    if (!rule) throw new ForbiddenException('This route declares no access rule');
    switch (rule.kind) {
      case 'internal':
        return true;
      case 'gateway':
        if (identity.kind === 'system' && identity.principalId === GATEWAY_PRINCIPAL) return true;
        throw new ForbiddenException('This route is internal to Assay');
      case 'portal':
        if (identity.kind !== 'portal' || !identity.portal || !identity.tenantId) throw new ForbiddenException('This route needs a supplier portal token');
        if ((rule.links ?? ['assessment']).includes(portalLinkKind(identity.portal))) return true;
        throw new ForbiddenException(`A ${portalLinkKind(identity.portal)} link cannot do this`);
      case 'permissions':
        return this.authorizePermissions(identity, rule.permissions);
    }
  }

  private authorizePermissions(identity: Identity, required: readonly Permission[]): boolean {
    if (identity.kind !== 'user' && identity.kind !== 'api_key') throw new ForbiddenException('This route needs a user or an API key');
    if (!identity.tenantId && !(identity.kind === 'user' && required.every((permission) => permission === 'self'))) {
      throw new ForbiddenException('This route needs a tenant');
    }
    if (!hasPermissions(identity, required)) throw new ForbiddenException(`This needs ${required.join(' and ')}, which the caller does not hold`);
    return true;
  }
}
