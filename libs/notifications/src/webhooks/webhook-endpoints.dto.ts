import { EVENT_TYPES } from '@assay/shared/contracts';
import { PageQueryDto, Present } from '@assay/shared/http';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export const WEBHOOK_EVENT_FILTERS = ['*', ...EVENT_TYPES] as const;
export const MAX_EVENT_FILTERS = 50;
export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_WEBHOOK_URL_LENGTH = 2048;

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'https://hooks.example.com/assay', maxLength: MAX_WEBHOOK_URL_LENGTH })
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url!: string;

  @ApiProperty({ description: 'Event types to receive, or ["*"] for every public event', example: ['assessment.submitted', 'reminder.sent'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_FILTERS)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true, message: 'each event must be "*" or a public event type' })
  events!: string[];

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;
}

/** Each field optional but never null (`Present`): null reached the URL check and the database, a 500. */
export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: MAX_WEBHOOK_URL_LENGTH })
  @Present()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url?: string;

  @ApiPropertyOptional({ type: [String] })
  @Present()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EVENT_FILTERS)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_FILTERS, { each: true, message: 'each event must be "*" or a public event type' })
  events?: string[];

  @ApiPropertyOptional({ description: 'false pauses deliveries; true re-enables an endpoint that was disabled' })
  @Present()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({ maxLength: MAX_DESCRIPTION_LENGTH, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_DESCRIPTION_LENGTH)
  description?: string;
}

export class WebhookEndpointsQueryDto extends PageQueryDto {}
