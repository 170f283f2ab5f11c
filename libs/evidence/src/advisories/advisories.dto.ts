import { PageQueryDto } from '@assay/shared/http';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

export class AdvisoryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'An advisory id (CVE-…, GHSA-…, a CSAF tracking id), or words of its summary', example: 'CVE-2021-44228' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ description: 'Only advisories whose CVE is (or is not) in the CISA Known Exploited Vulnerabilities catalogue' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  kev?: boolean;
}

export interface AcceptedAdvisoryDocument {
  id: string;
  status: 'pending' | 'processing' | 'processed' | 'failed';
}
