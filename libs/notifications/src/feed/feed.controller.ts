import { Access } from '@assay/shared/auth';
import { Page, PageQueryDto } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { FeedItem } from './feed.repository';
import { FeedService } from './feed.service';

class FeedQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only items not read yet' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

@ApiTags('Notifications')
@Access('self')
@Controller('api/v1/notifications')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get()
  @ApiOperation({ summary: 'The current user’s notification feed, newest first' })
  list(@Query() query: FeedQueryDto): Promise<Page<FeedItem>> {
    return this.feed.list(RequestContext.identity, query);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of the current user’s notifications read' })
  markRead(@Param('id') id: string): Promise<FeedItem> {
    return this.feed.markRead(RequestContext.identity, id);
  }
}
