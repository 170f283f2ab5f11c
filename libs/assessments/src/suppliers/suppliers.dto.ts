import { EmailAddress, PageQueryDto, Present } from '@assay/shared/http';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUrl, IsUUID, Length, Matches, MaxLength } from 'class-validator';
import { SUPPLIER_ROLES, SupplierRole } from '../catalogue/catalogue-document';

export const SUPPLIER_TIERS = ['critical', 'high', 'medium', 'low'] as const;
export type SupplierTier = (typeof SUPPLIER_TIERS)[number];
export const SUPPLIER_STATUSES = ['active', 'offboarded'] as const;
export type SupplierStatus = (typeof SUPPLIER_STATUSES)[number];
export const DELIVERY_MODELS = ['saas', 'on_premises', 'hybrid'] as const;
export type DeliveryModel = (typeof DELIVERY_MODELS)[number];

export const MAX_DOMAINS = 50;
export const MAX_TAGS = 50;
// Letters of either case spelled out (no `i` flag), so the OpenAPI document can state the same pattern.
const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$/;
const COMPANY_NUMBER = /^[A-Za-z0-9][A-Za-z0-9 -]{0,31}$/;
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/* The rules of each field, shared by creation and `PATCH` (which only differ in what may be left out). */
const NameRules = () => applyDecorators(IsString(), Length(1, 200));
const WebsiteRules = () => applyDecorators(IsUrl(URL_OPTIONS, { message: 'website must be an http(s) URL' }), MaxLength(2048));
const DomainsRules = () =>
  applyDecorators(
    IsArray(),
    ArrayMaxSize(MAX_DOMAINS),
    IsString({ each: true }),
    Matches(HOSTNAME, { each: true, message: 'each domain must be a host name such as example.com' }),
  );
const CompanyNumberRules = () =>
  applyDecorators(IsString(), Matches(COMPANY_NUMBER, { message: 'companyNumber must be 1-32 letters, digits, spaces or hyphens' }));
const TagsRules = () => applyDecorators(IsArray(), ArrayMaxSize(MAX_TAGS), IsString({ each: true }), Length(1, 50, { each: true }));

/** The optional fields of a supplier, on create and update alike (null clears one). */
class SupplierOptionalFieldsDto {
  @ApiPropertyOptional({ example: 'https://acme.example' })
  @IsOptional()
  @WebsiteRules()
  website?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_DOMAINS, example: ['acme.example'] })
  @IsOptional()
  @DomainsRules()
  domains?: string[] | null;

  @ApiPropertyOptional({ example: '01234567' })
  @IsOptional()
  @CompanyNumberRules()
  companyNumber?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_TAGS })
  @IsOptional()
  @TagsRules()
  tags?: string[] | null;

  @ApiPropertyOptional({ description: 'The internal owner (a user of the organisation)' })
  @IsOptional()
  @IsUUID()
  ownerUserId?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2027-03-31T17:00:00Z',
    description:
      "When the supplier's next assessment falls due (future, at most two years ahead; null clears): the scheduler opens it reassessmentLeadDays before",
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  nextAssessmentDueAt?: string | null;
}

/** Fields a supplier is created with; `PATCH` takes any of them (null clears an optional one). */
export class CreateSupplierDto extends SupplierOptionalFieldsDto {
  @ApiProperty({ example: 'Acme Software Ltd' })
  @NameRules()
  name!: string;

  @ApiProperty({ enum: SUPPLIER_TIERS })
  @IsIn(SUPPLIER_TIERS)
  tier!: SupplierTier;

  @ApiProperty({ enum: SUPPLIER_ROLES })
  @IsIn(SUPPLIER_ROLES)
  role!: SupplierRole;
}

export class UpdateSupplierDto extends SupplierOptionalFieldsDto {
  @ApiPropertyOptional()
  @Present()
  @NameRules()
  name?: string;

  @ApiPropertyOptional({ enum: SUPPLIER_TIERS })
  @Present()
  @IsIn(SUPPLIER_TIERS)
  tier?: SupplierTier;

  @ApiPropertyOptional({ enum: SUPPLIER_ROLES })
  @Present()
  @IsIn(SUPPLIER_ROLES)
  role?: SupplierRole;

  @ApiPropertyOptional({ enum: SUPPLIER_STATUSES, description: '`active` brings an offboarded supplier back' })
  @Present()
  @IsIn(SUPPLIER_STATUSES)
  status?: SupplierStatus;
}

export class SupplierListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUPPLIER_TIERS })
  @IsOptional()
  @IsIn(SUPPLIER_TIERS)
  tier?: SupplierTier;

  @ApiPropertyOptional({ enum: SUPPLIER_STATUSES })
  @IsOptional()
  @IsIn(SUPPLIER_STATUSES)
  status?: SupplierStatus;

  @ApiPropertyOptional({ description: 'Text to find in the supplier name' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  q?: string;
}

export class CreateContactDto {
  @ApiProperty()
  @NameRules()
  name!: string;

  @ApiProperty()
  @EmailAddress()
  email!: string;

  @ApiPropertyOptional({ example: 'CISO' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  role?: string | null;

  @ApiPropertyOptional({ description: "The supplier's Senior Responsible Owner (at most one per supplier)" })
  @IsOptional()
  @IsBoolean()
  isSeniorResponsibleOwner?: boolean;
}

export class UpdateContactDto {
  @ApiPropertyOptional()
  @Present()
  @NameRules()
  name?: string;

  @ApiPropertyOptional()
  @Present()
  @EmailAddress()
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  role?: string | null;

  @ApiPropertyOptional()
  @Present()
  @IsBoolean()
  isSeniorResponsibleOwner?: boolean;
}

/** The product fields that are optional both when a product is added and when it is changed. */
class ProductOptionalFields {
  @ApiPropertyOptional({ example: '4.2.1' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  currentVersion?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  endOfSupportAt?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  endOfSupportAnnouncedAt?: string | null;
}

export class CreateProductDto extends ProductOptionalFields {
  @ApiProperty()
  @NameRules()
  name!: string;

  @ApiProperty({ enum: DELIVERY_MODELS })
  @IsIn(DELIVERY_MODELS)
  deliveryModel!: DeliveryModel;
}

export class UpdateProductDto extends ProductOptionalFields {
  @ApiPropertyOptional()
  @Present()
  @NameRules()
  name?: string;

  @ApiPropertyOptional({ enum: DELIVERY_MODELS })
  @Present()
  @IsIn(DELIVERY_MODELS)
  deliveryModel?: DeliveryModel;
}
