import { INQUIRY_ANSWER_STATUSES, OPENVEX_JUSTIFICATIONS, type InquiryAnswerStatus, type OpenVexJustification } from '@assay/shared/contracts';
import { PageQueryDto } from '@assay/shared/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length } from 'class-validator';
import type { InquiryStatus } from './inquiries.repository';

export const INQUIRY_STATUSES: readonly InquiryStatus[] = ['sent', 'overdue', 'answered'];
/** Suppliers one request may name. */
export const MAX_INQUIRY_SUPPLIERS = 500;

export class CreateInquiriesDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    maxItems: MAX_INQUIRY_SUPPLIERS,
    description: 'The suppliers to ask, each exposed to the advisory; by default every supplier with an exposure `affected` or `under_investigation`',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_INQUIRY_SUPPLIERS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  supplierIds?: string[];

  @ApiProperty({ example: '2026-12-31T17:00:00Z', description: 'When the answers are due: in the future, at most a year ahead' })
  @IsISO8601({ strict: true })
  dueAt!: string;
}

export class InquiryAnswerDto {
  @ApiProperty({ enum: INQUIRY_ANSWER_STATUSES, description: 'The OpenVEX status of the supplier’s products for this vulnerability' })
  @IsIn(INQUIRY_ANSWER_STATUSES)
  status!: InquiryAnswerStatus;

  @ApiPropertyOptional({ enum: OPENVEX_JUSTIFICATIONS, description: 'Required for `not_affected`, and only allowed with it' })
  @IsOptional()
  @IsIn(OPENVEX_JUSTIFICATIONS)
  justification?: OpenVexJustification;

  @ApiPropertyOptional({ minLength: 1, maxLength: 5000, description: 'Why the products are not affected (only with `not_affected`)' })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  impactStatement?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'The version that fixes it (only with `fixed`)', example: '3.2.0' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  fixedIn?: string;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 5000,
    description: 'What the supplier is doing or advises (required for `affected`, as OpenVEX requires; not allowed with `not_affected`)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 5000)
  actionStatement?: string;
}

export class InquiryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only the inquiries about this advisory' })
  @IsOptional()
  @IsUUID()
  advisoryId?: string;

  @ApiPropertyOptional({ enum: INQUIRY_STATUSES })
  @IsOptional()
  @IsIn(INQUIRY_STATUSES)
  status?: InquiryStatus;
}
