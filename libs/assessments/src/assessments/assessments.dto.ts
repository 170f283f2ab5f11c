import { PageQueryDto } from '@assay/shared/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsEmail,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ASSESSMENT_STATUSES, AssessmentStatus } from './assessment-status';

export const CLAIM_ANSWERS = ['met', 'partially_met', 'not_met', 'not_applicable'] as const;
export type ClaimAnswer = (typeof CLAIM_ANSWERS)[number];
export const MAX_RECIPIENTS = 50;
export const MAX_EVIDENCE_PER_CLAIM = 50;

export class CreateAssessmentDto {
  @ApiProperty()
  @IsUUID()
  supplierId!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiProperty({ example: '2026-06-30T17:00:00Z' })
  @IsISO8601({ strict: true })
  dueAt!: string;

  @ApiPropertyOptional({ default: 'uk-sscop' })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  framework?: string;
}

export class AssessmentListQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  supplierId?: string;

  @ApiPropertyOptional({ enum: ASSESSMENT_STATUSES })
  @IsOptional()
  @IsIn(ASSESSMENT_STATUSES)
  status?: AssessmentStatus;

  @ApiPropertyOptional({ enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  overdue?: 'true' | 'false';
}

export class SendAssessmentDto {
  @ApiPropertyOptional({ type: [String], description: "Contacts to send to (default: all the supplier's contacts)" })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_RECIPIENTS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  contactIds?: string[];
}

export class PortalLinkDto {
  @ApiProperty()
  @IsUUID()
  contactId!: string;
}

export class ClaimResponseDto {
  @ApiProperty({ enum: CLAIM_ANSWERS })
  @IsIn(CLAIM_ANSWERS)
  answer!: ClaimAnswer;

  @ApiPropertyOptional({ description: 'Required for not_applicable and not_met' })
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  justification?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_EVIDENCE_PER_CLAIM)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  evidenceIds?: string[];
}

export class AttestationDto {
  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ example: 'Chief Technology Officer' })
  @IsString()
  @Length(1, 200)
  role!: string;

  @ApiProperty()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ description: 'Must be true: the signatory confirms the answers are accurate' })
  @Equals(true, { message: 'statement must be true' })
  statement!: true;
}

export class SubmitAssessmentDto {
  @ApiProperty({ type: AttestationDto })
  @IsObject()
  @ValidateNested()
  @Type(() => AttestationDto)
  attestation!: AttestationDto;
}

export class VerifyPortalTokenDto {
  @IsString()
  @MaxLength(256)
  token!: string;
}
