import { connectionType, JsonScalar } from '@assay/shared/graphql';
import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min, ValidateNested, ArrayMaxSize, IsArray } from 'class-validator';
import { Type } from 'class-transformer';
import { TenancySchemaModule } from './tenancy-schema.module';

@ObjectType({ registerIn: TenancySchemaModule })
export class TenantMembership {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) role!: string | null;
}

@ObjectType({ registerIn: TenancySchemaModule, description: 'An Assay user (global: one person may belong to several organisations)' })
export class User {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field() name!: string;
  @Field() mfaEnabled!: boolean;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class SessionInfo {
  @Field(() => String, { nullable: true }) id!: string | null;
  @Field() mfa!: boolean;
  @Field() mfaEnrolmentRequired!: boolean;
}

@ObjectType({ registerIn: TenancySchemaModule, description: 'The signed-in user, their current organisation and their other organisations' })
export class Me {
  @Field(() => User) user!: User;
  @Field(() => TenantMembership, { nullable: true }) tenant!: TenantMembership | null;
  @Field(() => SessionInfo) session!: SessionInfo;
  @Field(() => [TenantMembership]) tenants!: TenantMembership[];
}

@ObjectType({ registerIn: TenancySchemaModule })
export class ReassessmentCadence {
  @Field(() => Int) critical!: number;
  @Field(() => Int) high!: number;
  @Field(() => Int) medium!: number;
  @Field(() => Int) low!: number;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class ReminderPolicyType {
  @Field(() => [Int]) beforeDueDays!: number[];
  @Field() onDueDay!: boolean;
  @Field(() => Int) overdueEveryDays!: number;
  @Field(() => Int) overdueMaxReminders!: number;
  @Field(() => Int) escalateToSroAfterDays!: number;
  @Field(() => Int) escalateToOwnerAfterDays!: number;
}

@ObjectType({ registerIn: TenancySchemaModule, description: "What opens a supplier's next assessment early when it has no open one" })
export class ReassessmentTriggersType {
  @Field() evidenceExpired!: boolean;
  @Field() evidenceFailed!: boolean;
  @Field(() => Int, { nullable: true, description: 'Days before a product’s end of support; null: off' }) endOfSupportWithinDays!: number | null;
  @Field() findingOverdue!: boolean;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class TenantSettingsType {
  @Field(() => ReassessmentCadence) reassessmentCadenceMonths!: ReassessmentCadence;
  @Field(() => Int) reassessmentLeadDays!: number;
  @Field() autoSendReassessments!: boolean;
  @Field(() => ReminderPolicyType) reminderPolicy!: ReminderPolicyType;
  @Field() requireMfaForAdmins!: boolean;
  @Field(() => Int) endOfSupportHorizonDays!: number;
  @Field(() => ReassessmentTriggersType) reassessmentTriggers!: ReassessmentTriggersType;
  @Field(() => Int, { description: 'Days before evidence stops being valid that evidence.expiring fires' }) evidenceExpiryNoticeDays!: number;
}

@ObjectType('Tenant', { registerIn: TenancySchemaModule, description: 'The caller’s organisation' })
export class TenantType {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => TenantSettingsType) settings!: TenantSettingsType;
  @Field() createdAt!: string;
  @Field() updatedAt!: string;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class Member {
  @Field(() => ID) userId!: string;
  @Field() email!: string;
  @Field() name!: string;
  @Field() role!: string;
  @Field() mfaEnabled!: boolean;
  @Field() joinedAt!: string;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class Invitation {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field() role!: string;
  @Field() status!: string;
  @Field() createdAt!: string;
  @Field() expiresAt!: string;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() prefix!: string;
  @Field(() => [String]) scopes!: string[];
  @Field() status!: string;
  @Field() createdAt!: string;
  @Field(() => String, { nullable: true }) expiresAt!: string | null;
  @Field(() => String, { nullable: true }) revokedAt!: string | null;
  @Field(() => String, { nullable: true }) lastUsedAt!: string | null;
}

@ObjectType({ registerIn: TenancySchemaModule, description: 'A new API key: `key` is shown here only' })
export class CreatedApiKey extends ApiKey {
  @Field() key!: string;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class AuditEventType {
  @Field(() => ID) id!: string;
  @Field(() => Int) seq!: number;
  @Field() occurredAt!: string;
  @Field() service!: string;
  @Field() actorKind!: string;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field() action!: string;
  @Field() targetType!: string;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => JsonScalar) changes!: unknown;
  @Field() prevHash!: string;
  @Field() hash!: string;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class AuditBreak {
  @Field(() => Int) seq!: number;
  @Field(() => ID) id!: string;
  @Field() reason!: string;
}

@ObjectType({ registerIn: TenancySchemaModule })
export class AuditVerificationType {
  @Field() valid!: boolean;
  @Field(() => Int) checked!: number;
  @Field(() => AuditBreak, { nullable: true }) brokenAt?: AuditBreak;
}

export const MemberConnection = connectionType(Member, TenancySchemaModule);
export const ApiKeyConnection = connectionType(ApiKey, TenancySchemaModule);
export const AuditEventConnection = connectionType(AuditEventType, TenancySchemaModule);

@InputType({ registerIn: TenancySchemaModule })
export class ReassessmentCadenceInput {
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(60) critical?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(60) high?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(60) medium?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(60) low?: number;
}

@InputType({ registerIn: TenancySchemaModule })
export class ReminderPolicyInput {
  @Field(() => [Int], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsInt({ each: true }) beforeDueDays?: number[];
  @Field({ nullable: true }) @IsOptional() @IsBoolean() onDueDay?: boolean;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() overdueEveryDays?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() overdueMaxReminders?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() escalateToSroAfterDays?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() escalateToOwnerAfterDays?: number;
}

@InputType({ registerIn: TenancySchemaModule })
export class ReassessmentTriggersInput {
  @Field({ nullable: true }) @IsOptional() @IsBoolean() evidenceExpired?: boolean;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() evidenceFailed?: boolean;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() endOfSupportWithinDays?: number | null;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() findingOverdue?: boolean;
}

@InputType({ registerIn: TenancySchemaModule })
export class TenantSettingsInput {
  @Field(() => ReassessmentCadenceInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReassessmentCadenceInput)
  reassessmentCadenceMonths?: ReassessmentCadenceInput;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() reassessmentLeadDays?: number;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() autoSendReassessments?: boolean;
  @Field(() => ReminderPolicyInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => ReminderPolicyInput) reminderPolicy?: ReminderPolicyInput;
  @Field({ nullable: true }) @IsOptional() @IsBoolean() requireMfaForAdmins?: boolean;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() endOfSupportHorizonDays?: number;
  @Field(() => ReassessmentTriggersInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReassessmentTriggersInput)
  reassessmentTriggers?: ReassessmentTriggersInput;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() evidenceExpiryNoticeDays?: number;
}

@InputType({ registerIn: TenancySchemaModule })
export class UpdateTenantInput {
  @Field({ nullable: true }) @IsOptional() @IsString() @Length(1, 200) name?: string;
  @Field(() => TenantSettingsInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => TenantSettingsInput) settings?: TenantSettingsInput;
}

@InputType({ registerIn: TenancySchemaModule })
export class CreateApiKeyInput {
  @Field() @IsString() @Length(1, 100) name!: string;
  @Field(() => [String]) @IsArray() @ArrayMaxSize(16) @IsString({ each: true }) scopes!: string[];
  @Field({ nullable: true }) @IsOptional() @IsString() expiresAt?: string;
}
