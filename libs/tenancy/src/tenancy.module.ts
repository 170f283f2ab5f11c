import { Module } from '@nestjs/common';
import { ApiKeysController, CredentialsController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { TenancyResolver } from './graphql/tenancy.resolver';
import { AccountService } from './identity/account.service';
import { AuthController, MeController } from './identity/auth.controller';
import { AuthService } from './identity/auth.service';
import { MfaService } from './identity/mfa.service';
import { SessionStore } from './identity/session.store';
import { InvitationsController, MembersController } from './members/members.controller';
import { MembersService } from './members/members.service';
import { LoginThrottle } from './security/login-throttle';
import { PasswordHasher } from './security/password-hasher';
import { TenantController } from './tenant/tenant.controller';
import { TenantService } from './tenant/tenant.service';

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
    PasswordHasher,
    LoginThrottle,
    SessionStore,
    MfaService,
    AuthService,
    AccountService,
    TenantService,
    MembersService,
    ApiKeysService,
    AuditService,
    TenancyResolver,
  ],
})
export class TenancyModule {}
