import { API_KEY_SCOPES, ROLES, Role } from '@assay/shared/contracts';
import { EmailAddress } from '@assay/shared/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, MinLength } from 'class-validator';

const TOTP = /^\d{6}$/;

export class SignupDto {
  @ApiProperty({ example: 'sam@example.com' })
  @EmailAddress()
  email!: string;

  @ApiProperty({ minLength: 12, maxLength: 256, description: 'At least 12 characters, not a common password' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ example: 'Sam Jones' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'Example Bank plc' })
  @IsString()
  @Length(1, 200)
  organisationName!: string;
}

export class SecondFactorDto {
  @ApiPropertyOptional({ description: 'A current 6-digit code from the authenticator app' })
  @IsOptional()
  @Matches(TOTP, { message: 'totp must be 6 digits' })
  totp?: string;

  @ApiPropertyOptional({ description: 'One of the recovery codes (each works once)' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  recoveryCode?: string;
}

export class LoginDto extends SecondFactorDto {
  @ApiProperty()
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({ description: 'The organisation to sign in to (default: the first)' })
  @IsOptional()
  @IsUUID()
  tenantId?: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  refreshToken!: string;
}

export class LogoutDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  refreshToken?: string;
}

export class SwitchTenantDto extends SecondFactorDto {
  @ApiProperty()
  @IsUUID()
  tenantId!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @Matches(TOTP, { message: 'code must be 6 digits' })
  code!: string;
}

export class UpdateTenantDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({
    description:
      'Any of: reassessmentCadenceMonths { critical, high, medium, low }, reassessmentLeadDays, autoSendReassessments, reminderPolicy { beforeDueDays, onDueDay, overdueEveryDays, overdueMaxReminders, escalateToSroAfterDays, escalateToOwnerAfterDays }, requireMfaForAdmins, endOfSupportHorizonDays, reassessmentTriggers { evidenceExpired, evidenceFailed, endOfSupportWithinDays, findingOverdue }, evidenceExpiryNoticeDays',
  })
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class InviteDto {
  @ApiProperty()
  @EmailAddress()
  email!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class AcceptInvitationDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  token!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class CreateApiKeyDto {
  @ApiProperty({ example: 'CI pipeline' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: API_KEY_SCOPES, isArray: true })
  @IsArray()
  @ArrayMaxSize(API_KEY_SCOPES.length)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  scopes!: string[];

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class VerifyApiKeyDto {
  @IsString()
  @MinLength(10)
  @MaxLength(128)
  key!: string;
}
