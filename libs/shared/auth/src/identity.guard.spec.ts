import type { AppConfig } from '@assay/shared/config';
import type { Identity } from '@assay/shared/contracts';
import { ForbiddenException, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { Access, AllowAnonymous, IdentityGuard, PortalAccess, accessRuleOf } from './identity.guard';
import { INTERNAL_IDENTITY_HEADER, IdentityTokenIssuer, generateIdentityKeyPair } from './internal-identity-token';

const keys = generateIdentityKeyPair();
const guard = new IdentityGuard(new Reflector(), { internalTokenPublicKey: keys.publicKey } as AppConfig, 'assessments');
const tenantId = '01900000-0000-7000-8000-000000000001';

@AllowAnonymous()
class CatalogueLikeController {
  list(): string {
    return 'frameworks';
  }

  @Access('suppliers:write')
  change(): string {
    return 'changed';
  }
}

@PortalAccess()
class PortalLikeController {
  @Access('assessments:read')
  read(): string {
    return 'assessment';
  }
}

class UndeclaredController {
  list(): string {
    return 'anything';
  }
}

class SharedHandlers {
  list(): string {
    return 'rows';
  }
}

@AllowAnonymous()
class OpenSharedController extends SharedHandlers {}

@Access('suppliers:write')
class GuardedSharedController extends SharedHandlers {}

const user = (role: Identity['role']): Identity => ({ kind: 'user', principalId: 'u', tenantId, role, scopes: [], portal: null, requestId: 'r' });
const portal: Identity = { kind: 'portal', principalId: 'p', tenantId, role: null, scopes: [], portal: { assessmentId: 'a', contactId: 'c' }, requestId: 'r' };
const anonymous: Identity = { kind: 'anonymous', principalId: null, tenantId: null, role: null, scopes: [], portal: null, requestId: 'r' };

async function call(target: { prototype: object }, method: string, identity: Identity): Promise<boolean> {
  const token = await new IdentityTokenIssuer(keys.privateKey).issue(identity, 'assessments');
  const handler = (target.prototype as Record<string, (...args: unknown[]) => unknown>)[method] as (...args: unknown[]) => unknown;
  return guard.canActivate(new ExecutionContextHost([{ headers: { [INTERNAL_IDENTITY_HEADER]: token } }], target as never, handler));
}

describe('IdentityGuard', () => {
  it('applies a method’s own rule instead of its class’s, whatever kinds they are', async () => {
    await expect(call(CatalogueLikeController, 'list', anonymous)).resolves.toBe(true);
    await expect(call(CatalogueLikeController, 'change', anonymous)).rejects.toThrow(UnauthorizedException);
    await expect(call(CatalogueLikeController, 'change', user('viewer'))).rejects.toThrow(ForbiddenException);
    await expect(call(CatalogueLikeController, 'change', user('assessor'))).resolves.toBe(true);
    await expect(call(PortalLikeController, 'read', portal)).rejects.toThrow(ForbiddenException);
    await expect(call(PortalLikeController, 'read', user('viewer'))).resolves.toBe(true);
  });

  it('admits the fields of one request once per rule, and still checks every other rule of that request', async () => {
    const request = { headers: { [INTERNAL_IDENTITY_HEADER]: await new IdentityTokenIssuer(keys.privateKey).issue(user('viewer'), 'assessments') } };
    const field = (target: { prototype: object }, method: string) =>
      new ExecutionContextHost([request], target as never, (target.prototype as Record<string, () => unknown>)[method] as () => unknown);
    await expect(guard.canActivate(field(PortalLikeController, 'read'))).resolves.toBe(true);
    // The same rule again: decided at once, without another token check.
    expect(guard.canActivate(field(PortalLikeController, 'read'))).toBe(true);
    await expect(Promise.resolve().then(() => guard.canActivate(field(CatalogueLikeController, 'change')))).rejects.toThrow(ForbiddenException);
    await expect(Promise.resolve().then(() => guard.canActivate(field(CatalogueLikeController, 'change')))).rejects.toThrow(ForbiddenException);
  });

  it('reads the rule of a handler shared by several classes from the class it is called on', async () => {
    await expect(call(OpenSharedController, 'list', anonymous)).resolves.toBe(true);
    await expect(call(GuardedSharedController, 'list', anonymous)).rejects.toThrow(UnauthorizedException);
    await expect(call(GuardedSharedController, 'list', user('viewer'))).rejects.toThrow(ForbiddenException);
    await expect(call(OpenSharedController, 'list', anonymous)).resolves.toBe(true);
  });

  it('refuses a handler that declares no rule, and names the rule a handler declares', async () => {
    await expect(call(UndeclaredController, 'list', user('owner'))).rejects.toThrow(/declares no access rule/);
    expect(accessRuleOf(CatalogueLikeController.prototype.change, CatalogueLikeController)).toEqual({ kind: 'permissions', permissions: ['suppliers:write'] });
    expect(accessRuleOf(CatalogueLikeController.prototype.list, CatalogueLikeController)).toEqual({ kind: 'anonymous' });
    expect(accessRuleOf(UndeclaredController.prototype.list, UndeclaredController)).toBeUndefined();
  });
});
