import { ApiProblem } from '@assay/shared/http';
import { Access, AllowAnonymous } from '@assay/shared/auth';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Client } from '../client-info';
import type { ClientInfo } from '../tenancy-writes';
import { LoginDto, LogoutDto, RefreshDto, SecondFactorDto, SignupDto, SwitchTenantDto, TotpCodeDto } from '../tenancy.dto';
import { AccountService } from './account.service';
import { AuthService } from './auth.service';

@ApiTags('Identity')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  @AllowAnonymous()
  @ApiOperation({ summary: 'Create an organisation and its owner; returns the first session' })
  signup(@Body() body: SignupDto, @Client() client: ClientInfo) {
    return this.auth.signup(body, client);
  }

  @Post('login')
  @HttpCode(200)
  @AllowAnonymous()
  @ApiOperation({ summary: 'Sign in (with `totp` or `recoveryCode` when two-factor authentication is on)' })
  @ApiProblem(401, 403)
  login(@Body() body: LoginDto, @Client() client: ClientInfo) {
    return this.auth.login(body, client);
  }

  @Post('refresh')
  @HttpCode(200)
  @AllowAnonymous()
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens (the presented one is spent; reuse ends the session)' })
  @ApiProblem(401)
  refresh(@Body() body: RefreshDto, @Client() client: ClientInfo) {
    return this.auth.refresh(body.refreshToken, client);
  }

  @Post('logout')
  @HttpCode(204)
  @Access('self')
  @ApiOperation({ summary: 'End the current session' })
  async logout(@Body() body: LogoutDto): Promise<void> {
    await this.auth.logout(RequestContext.identity, body.refreshToken);
  }

  @Post('switch-tenant')
  @HttpCode(200)
  @Access('self')
  @ApiOperation({ summary: 'Start a session in another organisation the user belongs to' })
  @ApiProblem(404)
  switchTenant(@Body() body: SwitchTenantDto, @Client() client: ClientInfo) {
    return this.auth.switchTenant(RequestContext.identity, body, client);
  }
}

@ApiTags('Identity')
@Controller('api/v1/me')
@Access('self')
export class MeController {
  constructor(private readonly account: AccountService) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in user, their current organisation and role, and their other organisations' })
  me() {
    return this.account.me(RequestContext.identity);
  }

  @Post('mfa/totp')
  @ApiOperation({ summary: 'Start TOTP enrolment: returns the secret and otpauth:// URL for the authenticator app' })
  beginTotp() {
    return this.account.beginTotp(RequestContext.identity);
  }

  @Post('mfa/totp/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm TOTP with a first code: turns it on and returns recovery codes (shown once) and an upgraded access token' })
  confirmTotp(@Body() body: TotpCodeDto) {
    return this.account.confirmTotp(RequestContext.identity, body.code);
  }

  @Delete('mfa/totp')
  @HttpCode(204)
  @ApiOperation({ summary: 'Turn TOTP off (needs a current code or a recovery code)' })
  async disableTotp(@Body() body: SecondFactorDto): Promise<void> {
    await this.account.disableTotp(RequestContext.identity, body);
  }

  @Post('mfa/recovery-codes')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the recovery codes (needs a current code)' })
  recoveryCodes(@Body() body: SecondFactorDto) {
    return this.account.regenerateRecoveryCodes(RequestContext.identity, body);
  }
}
