import { PageQueryDto } from '@assay/shared/http';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ASSESSMENT_STATUSES, AssessmentStatus } from './assessment-status';

export const CLAIM_ANSWERS = ['met', 'partially_met', 'not_met', 'not_applicable'] as const;
export type ClaimAnswer = (typeof CLAIM_ANSWERS)[number];
export const MAX_RECIPIENTS = 50;
export const MAX_EVIDENCE_PER_CLAIM = 50;
/** A claim id of the catalogue (`3.2.1`). */
export const CLAIM_ID = /^[0-9]{1,2}(\.[0-9]{1,2}){1,3}$/;
/** A body field naming one claim of the catalogue. */
export const ClaimIdField = () =>
  applyDecorators(ApiProperty({ example: '3.2.1' }), IsString(), Matches(CLAIM_ID, { message: 'claimId must be a claim id such as 3.2.1' }));

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

  @ApiPropertyOptional({
    default: true,
    description:
      "Prefill from the supplier's latest completed assessment of the same product (or of none): each answer shows carriedForward until the supplier confirms or changes it",
  })
  @IsOptional()
  @IsBoolean()
  carryForward?: boolean;
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

export class AssessmentDetailQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only the claims whose answer changed since the previous assessment' })
  @IsOptional()
  @IsIn(['true', 'false'])
  changedOnly?: 'true' | 'false';
}

export class ReportQueryDto {
  @ApiPropertyOptional({
    enum: ['json', 'csv', 'jws', 'cdxa'],
    description:
      'json (default); csv: one row per applicable claim; jws: the JSON signed (application/jose, completed assessments only); cdxa: a CycloneDX 1.6 declaration (attested assessments only)',
  })
  @IsOptional()
  @IsIn(['json', 'csv', 'jws', 'cdxa'])
  format?: 'json' | 'csv' | 'jws' | 'cdxa';
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

export const REVIEW_VERDICTS = ['accepted', 'returned'] as const;
export type ReviewVerdict = (typeof REVIEW_VERDICTS)[number];
export const MAX_DECISIONS = 100;

export class ClaimDecisionDto {
  @ClaimIdField()
  claimId!: string;

  @ApiProperty({ enum: REVIEW_VERDICTS })
  @IsIn(REVIEW_VERDICTS)
  verdict!: ReviewVerdict;

  @ApiPropertyOptional({ description: 'Required when the verdict is returned; the supplier sees it in the portal' })
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  comment?: string;
}

export class ReviewAssessmentDto {
  @ApiProperty({ type: [ClaimDecisionDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_DECISIONS)
  @ValidateNested({ each: true })
  @Type(() => ClaimDecisionDto)
  decisions!: ClaimDecisionDto[];
}

export class ReturnAssessmentDto {
  @ApiProperty({ description: 'What the supplier should change; sent to its contacts' })
  @IsString()
  @Length(1, 5_000)
  message!: string;

  @ApiPropertyOptional({ example: '2026-09-30T17:00:00Z', description: 'A new due date (future, at most two years ahead)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  dueAt?: string;
}

export class MoveDueDateDto {
  @ApiProperty({ example: '2026-09-30T17:00:00Z', description: 'The new due date: in the future, at most two years ahead' })
  @IsISO8601({ strict: true })
  dueAt!: string;

  @ApiPropertyOptional({ description: "Why the date moves; shown in the supplier's email and the audit log" })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  reason?: string;
}

export class ExtensionDecisionDto {
  @ApiProperty({ description: 'true approves (the due date moves to the requested date), false rejects' })
  @IsBoolean()
  approve!: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  comment?: string;
}

export class CompleteAssessmentDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  conclusion?: string;
}
