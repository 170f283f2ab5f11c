import { Module } from '@nestjs/common';
import { ApiKeysController, CredentialsController } from './api-keys/api-keys.controller';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { TenancyResolver } from './graphql/tenancy.resolver';
import { AccountService } from './identity/account.service';
import { AuthController, MeController } from './identity/auth.controller';
import { AuthService } from './identity/auth.service';
import { MfaRepository } from './identity/mfa.repository';
import { MfaService } from './identity/mfa.service';
import { SessionStore } from './identity/session.store';
import { SessionsRepository } from './identity/sessions.repository';
import { UsersRepository } from './identity/users.repository';
import { InvitationsRepository } from './members/invitations.repository';
import { InvitationsService } from './members/invitations.service';
import { InvitationsController, MembersController } from './members/members.controller';
import { MembersService } from './members/members.service';
import { MembershipsRepository } from './members/memberships.repository';
import { LoginThrottle } from './security/login-throttle';
import { PasswordHasher } from './security/password-hasher';
import { TenantController } from './tenant/tenant.controller';
import { TenantService } from './tenant/tenant.service';
import { TenantsRepository } from './tenant/tenants.repository';

/** Resolvers of the tenancy subgraph (the schema tooling builds the subgraph SDL from them). */
export const TENANCY_RESOLVERS = [TenancyResolver];

/** The tenancy service: sign-up and sign-in, sessions, MFA, organisations, members, invitations, API keys, the audit log. */
@Module({
  controllers: [
    AuthController,
    MeController,
    TenantController,
    MembersController,
    InvitationsController,
    ApiKeysController,
    CredentialsController,
    AuditController,
  ],
  providers: [
    UsersRepository,
    MfaRepository,
    SessionsRepository,
    TenantsRepository,
    MembershipsRepository,
    InvitationsRepository,
    ApiKeysRepository,
    PasswordHasher,
    LoginThrottle,
    SessionStore,
    MfaService,
    AuthService,
    AccountService,
    TenantService,
    MembersService,
    InvitationsService,
    ApiKeysService,
    AuditService,
    TenancyResolver,
  ],
})
export class TenancyModule {}
