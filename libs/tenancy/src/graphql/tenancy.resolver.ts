import { Access } from '@assay/shared/auth';
import { ROLES, Role } from '@assay/shared/contracts';
import { AfterArg, FirstArg, pageArgs, toConnection } from '@assay/shared/graphql';
import { NotFoundProblem, ProblemException, encodeCursor } from '@assay/shared/http';
import { isUuid } from '@assay/shared/database';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AuditService } from '../audit/audit.service';
import { AccountService } from '../identity/account.service';
import { InvitationsService } from '../members/invitations.service';
import { MembersService } from '../members/members.service';
import { TenantService } from '../tenant/tenant.service';
import {
  ApiKey,
  ApiKeyConnection,
  AuditEventConnection,
  AuditVerificationType,
  CreateApiKeyInput,
  CreatedApiKey,
  Invitation,
  Me,
  Member,
  MemberConnection,
  TenantType,
  UpdateTenantInput,
} from './tenancy.types';

/** Relay paging arguments as the keyset lists take them: a page size and a cursor. */
function pageList(first: number | null | undefined, after: string | null | undefined): [number, string | undefined] {
  const { limit, cursor } = pageArgs(first, after);
  return [limit, cursor];
}

/** GraphQL ids are strings: anything that is not one of our ids is simply not found. */
function id(value: string, what: string): string {
  if (!isUuid(value)) throw new NotFoundProblem(what);
  return value;
}

function role(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new ProblemException(400, `role must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

/** The tenancy subgraph: the same services and access rules as the REST routes. */
@Resolver()
export class TenancyResolver {
  constructor(
    private readonly account: AccountService,
    private readonly tenants: TenantService,
    private readonly memberService: MembersService,
    private readonly invitationService: InvitationsService,
    private readonly keys: ApiKeysService,
    private readonly audit: AuditService,
  ) {}

  @Query(() => Me, { description: 'The signed-in user' })
  @Access('self')
  me() {
    return this.account.me(RequestContext.identity);
  }

  @Query(() => TenantType, { description: 'The caller’s organisation and settings' })
  @Access('tenant:read')
  tenant() {
    return this.tenants.get(RequestContext.tenantId);
  }

  @Query(() => MemberConnection)
  @Access('members:read')
  async members(@FirstArg() first?: number | null, @AfterArg() after?: string | null) {
    return toConnection(await this.memberService.list(RequestContext.tenantId, ...pageList(first, after)), (member) => encodeCursor([member.userId]));
  }

  @Query(() => [Invitation])
  @Access('members:manage')
  invitations() {
    return this.invitationService.list(RequestContext.tenantId);
  }

  @Query(() => ApiKeyConnection)
  @Access('api-keys:manage')
  async apiKeys(@FirstArg() first?: number | null, @AfterArg() after?: string | null) {
    return toConnection(await this.keys.list(RequestContext.tenantId, ...pageList(first, after)), (key) => encodeCursor([key.id]));
  }

  @Query(() => AuditEventConnection)
  @Access('audit:read')
  async auditEvents(@FirstArg() first?: number | null, @AfterArg() after?: string | null) {
    return toConnection(await this.audit.list(RequestContext.tenantId, ...pageList(first, after)), (event) => encodeCursor([event.seq]));
  }

  @Query(() => AuditVerificationType)
  @Access('audit:read')
  auditVerification() {
    return this.audit.verify(RequestContext.tenantId);
  }

  @Mutation(() => TenantType)
  @Access('tenant:manage')
  updateTenant(@Args('input') input: UpdateTenantInput) {
    const settings = input.settings ? JSON.parse(JSON.stringify(input.settings)) : undefined;
    return this.tenants.update(RequestContext.tenantIdentity, { name: input.name, settings });
  }

  @Mutation(() => Member)
  @Access('members:manage')
  changeMemberRole(@Args('userId', { type: () => ID }) userId: string, @Args('role') value: string) {
    return this.memberService.changeRole(RequestContext.tenantIdentity, id(userId, 'Member'), role(value));
  }

  @Mutation(() => Boolean)
  @Access('members:manage')
  async removeMember(@Args('userId', { type: () => ID }) userId: string) {
    await this.memberService.remove(RequestContext.tenantIdentity, id(userId, 'Member'));
    return true;
  }

  @Mutation(() => Invitation)
  @Access('members:manage')
  inviteMember(@Args('email') email: string, @Args('role') value: string) {
    if (email.length > 254 || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new ProblemException(400, 'email must be an email address');
    return this.invitationService.invite(RequestContext.tenantIdentity, { email, role: role(value) });
  }

  @Mutation(() => Boolean)
  @Access('members:manage')
  async revokeInvitation(@Args('id', { type: () => ID }) invitationId: string) {
    await this.invitationService.revoke(RequestContext.tenantIdentity, id(invitationId, 'Invitation'));
    return true;
  }

  @Mutation(() => CreatedApiKey)
  @Access('api-keys:manage')
  createApiKey(@Args('input') input: CreateApiKeyInput) {
    return this.keys.create(RequestContext.tenantIdentity, input);
  }

  @Mutation(() => ApiKey)
  @Access('api-keys:manage')
  revokeApiKey(@Args('id', { type: () => ID }) keyId: string) {
    return this.keys.revoke(RequestContext.tenantIdentity, id(keyId, 'API key'));
  }
}
