import { PageQueryDto } from '@assay/shared/http';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  ValidateBy,
  ValidationArguments,
} from 'class-validator';
import { EVIDENCE_KINDS, EVIDENCE_STATUSES, EvidenceKind, EvidenceStatus } from './evidence-kinds.constant';

const CLAIM_ID = /^\d{1,2}\.\d{1,2}\.\d{1,2}$/;

/** Lists (`claimIds`, `ids`) arrive as an array, a comma-separated string, or repeated form fields or query parameters. */
function toList({ value }: { value: unknown }): unknown {
  // Absent stays absent: `null` means "no claims", as for any optional field.
  if (value === null || value === undefined) return value;
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((item) =>
    typeof item === 'string'
      ? item
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0)
      : [item],
  );
}

/** A URL the worker fetches: http(s) only (the fetch itself re-checks the address and every redirect). */
const EvidenceUrl = () =>
  applyDecorators(
    ApiProperty({ example: 'https://supplier.example/.well-known/security.txt' }),
    IsString(),
    MaxLength(2048),
    IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false }),
  );

/** A date (`2027-03-31`) or date-time with its offset. */
const ValidityDate = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description, example: '2027-03-31T00:00:00Z' }),
    IsOptional(),
    IsISO8601({ strict: true }, { message: '$property must be an ISO 8601 date or date-time' }),
  );

/** Fails when the value is a date earlier than the object's `validFrom`. */
const NotBeforeValidFrom = () =>
  ValidateBy({
    name: 'notBeforeValidFrom',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => {
        const from = (args?.object as { validFrom?: unknown } | undefined)?.validFrom;
        if (typeof value !== 'string' || typeof from !== 'string') return true;
        const [until, since] = [Date.parse(value), Date.parse(from)];
        return Number.isNaN(until) || Number.isNaN(since) || until >= since;
      },
      defaultMessage: () => 'validUntil must not be before validFrom',
    },
  });

/** The validity and title a submitter may declare for a document. */
export class EvidenceValidityDto {
  @ValidityDate('From when the document is valid')
  validFrom?: string;

  @ValidityDate(
    'When the document stops being valid; evidence whose content gives no date expires then (one whose content gives a date expires at the earlier)',
  )
  @NotBeforeValidFrom()
  validUntil?: string;

  @ApiPropertyOptional({ maxLength: 300, example: 'ISO/IEC 27001 certificate 2026' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string;
}

/** JSON body through a renewal link: the replacement the worker fetches from a URL (its supplier and claims are the old piece's). */
export class RenewalUrlEvidenceDto extends EvidenceValidityDto {
  @EvidenceUrl()
  url!: string;
}

/** A customer's change to a piece of evidence: `null` clears a value. */
export class UpdateEvidenceDto {
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the document stops being valid (null: as its content says)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'validUntil must be an ISO 8601 date or date-time' })
  validUntil?: string | null;

  @ApiPropertyOptional({ type: String, maxLength: 300, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  title?: string | null;
}

/** What a supplier sends with evidence through the portal: the assessment, supplier and product come from the token. */
export class PortalEvidenceFieldsDto extends EvidenceValidityDto {
  @ApiPropertyOptional({ type: [String], description: 'Claims this evidence supports (a list, or comma-separated)', example: ['1.2.1'] })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(45)
  @Matches(CLAIM_ID, { each: true, message: 'each claim id looks like 1.2.1' })
  claimIds?: string[];

  @ApiPropertyOptional({ enum: EVIDENCE_KINDS, description: 'A hint; the kind is detected from the content and a hint that disagrees is ignored' })
  @IsOptional()
  @IsIn(EVIDENCE_KINDS)
  kind?: EvidenceKind;
}

/** JSON body through the portal: evidence the worker fetches from a URL. */
export class PortalUrlEvidenceDto extends PortalEvidenceFieldsDto {
  @EvidenceUrl()
  url!: string;
}

export class EvidenceFieldsDto extends PortalEvidenceFieldsDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;
}

/** Multipart fields beside the `file` part. */
export class UploadEvidenceFieldsDto extends EvidenceFieldsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  supplierId!: string;
}

/** JSON body: evidence the worker fetches from a URL. */
export class UrlEvidenceDto extends UploadEvidenceFieldsDto {
  @EvidenceUrl()
  url!: string;
}

export class EvidenceQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  supplierId?: string;

  @ApiPropertyOptional({ enum: EVIDENCE_KINDS })
  @IsOptional()
  @IsIn(EVIDENCE_KINDS)
  kind?: EvidenceKind;

  @ApiPropertyOptional({ enum: EVIDENCE_STATUSES })
  @IsOptional()
  @IsIn(EVIDENCE_STATUSES)
  status?: EvidenceStatus;
}

export class PortalEvidenceQueryDto {
  @ApiPropertyOptional({ type: [String], description: 'Earlier evidence of the same supplier to include (ids its answers cite), comma-separated or repeated' })
  @IsOptional()
  @Transform(toList)
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  ids?: string[];
}

export class ComponentsQueryDto {
  @ApiPropertyOptional({ description: 'A package URL, with or without a version', example: 'pkg:npm/lodash@4.17.21' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  purl?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(512)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(256)
  version?: string;
}

export interface AcceptedEvidence {
  id: string;
  status: EvidenceStatus;
  sha256: string | null;
  size: number | null;
}
