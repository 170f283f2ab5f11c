import { MAX_URL_LENGTH } from '@assay/shared/net';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, MaxLength } from 'class-validator';
import { ADVISORY_FEED_FORMATS, AdvisoryFeedFormat } from './advisory-feeds.repository';

export class CreateAdvisoryFeedDto {
  @ApiProperty({ example: 'https://advisories.example/osv/all.json', maxLength: MAX_URL_LENGTH })
  @IsString()
  @MaxLength(MAX_URL_LENGTH)
  url!: string;

  @ApiProperty({
    enum: ADVISORY_FEED_FORMATS,
    description: 'osv: one OSV record or a JSON array of them; kev: the CISA KEV catalogue; csaf-provider: a CSAF provider-metadata.json',
    example: 'osv',
  })
  @IsIn(ADVISORY_FEED_FORMATS)
  format!: AdvisoryFeedFormat;
}
