import { Access } from '@assay/shared/auth';
import { Page, PageQueryDto } from '@assay/shared/http';
import { RequestContext } from '@assay/shared/tenancy-context';
import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { RemindersService, SentReminder } from './reminders.service';

class RemindersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  assessmentId?: string;
}

@ApiTags('Reminders')
@Access('assessments:read')
@Controller('api/v1/reminders')
export class RemindersController {
  constructor(private readonly reminders: RemindersService) {}

  @Get()
  @ApiOperation({ summary: 'Reminders and escalations sent (not the initial invitation): to whom, when, which step; newest first' })
  list(@Query() query: RemindersQueryDto): Promise<Page<SentReminder>> {
    return this.reminders.list(RequestContext.tenantId, query.assessmentId, query);
  }
}
