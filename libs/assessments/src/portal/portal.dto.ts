import { EmailAddress } from '@assay/shared/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  Equals,
  IsArray,
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
import { CLAIM_ANSWERS, ClaimAnswer, MAX_EVIDENCE_PER_CLAIM } from '../assessments/assessments.dto';

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
  @EmailAddress()
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

export class ExtensionRequestDto {
  @ApiProperty({ example: '2026-09-30T17:00:00Z', description: 'The due date asked for: later than the current one, at most two years ahead' })
  @IsISO8601({ strict: true })
  requestedDueAt!: string;

  @ApiProperty({ description: 'Why more time is needed; the customer sees it' })
  @IsString()
  @Length(1, 2_000)
  reason!: string;
}

export class SignOffRequestDto {
  @ApiPropertyOptional({ description: 'A note to the Senior Responsible Owner, quoted in the email' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  message?: string;
}
