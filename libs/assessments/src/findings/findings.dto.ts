import { PageQueryDto } from '@assay/shared/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { ClaimIdField } from '../assessments/assessments.dto';
import { FINDING_SEVERITIES, FINDING_STATUSES, FindingSeverity, FindingStatus } from './finding-view';

export class CreateFindingDto {
  @ClaimIdField()
  claimId!: string;

  @ApiProperty({ enum: FINDING_SEVERITIES })
  @IsIn(FINDING_SEVERITIES)
  severity!: FindingSeverity;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  title!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(10_000)
  description?: string;

  @ApiPropertyOptional({ example: '2026-09-30T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  remediationDueAt?: string;
}

export class FindingListQueryDto extends PageQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  supplierId?: string;

  @ApiPropertyOptional({ enum: FINDING_STATUSES })
  @IsOptional()
  @IsIn(FINDING_STATUSES)
  status?: FindingStatus;
}

export class UpdateFindingDto {
  @ApiProperty({ enum: FINDING_STATUSES })
  @IsIn(FINDING_STATUSES)
  status!: FindingStatus;

  @ApiPropertyOptional({ description: 'Required (in the future) for accepted_risk' })
  @IsOptional()
  @IsISO8601({ strict: true })
  riskAcceptedUntil?: string;
}

export class PortalFindingDto {
  @ApiProperty({ description: "The supplier's remediation plan" })
  @IsString()
  @Length(1, 10_000)
  remediationPlan!: string;

  @ApiProperty({ description: 'Whether the supplier agrees with the finding' })
  @IsBoolean()
  agreed!: boolean;
}
