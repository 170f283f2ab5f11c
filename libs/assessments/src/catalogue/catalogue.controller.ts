import { AllowAnonymous } from '@assay/shared/auth';
import { NotFoundProblem, Page, serialiseOnce } from '@assay/shared/http';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { FrameworkDocument } from './catalogue-document';
import type { FrameworkSummary } from './catalogue.repository';
import { CatalogueService } from './catalogue.service';
import { CycloneDxStandardDocument, frameworkAsCycloneDx } from './cyclonedx-standard';

class FrameworkQueryDto {
  @ApiPropertyOptional({ description: 'Framework version (defaults to the current one)', example: '2025-05-07' })
  @IsOptional()
  @Matches(/^[0-9A-Za-z.-]{1,32}$/, { message: 'version must be a version label such as 2025-05-07' })
  version?: string;

  @ApiPropertyOptional({ description: 'cyclonedx: the framework as a CycloneDX 1.6 document (definitions.standards)', enum: ['cyclonedx'] })
  @IsOptional()
  @IsIn(['cyclonedx'], { message: 'format must be cyclonedx' })
  format?: 'cyclonedx';
}

const FRAMEWORK_KEY = /^[a-z0-9-]{1,64}$/;

/** The Code of Practice catalogue: public, the same for every tenant. */
@ApiTags('Catalogue')
@AllowAnonymous()
@Controller('api/v1/frameworks')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({ summary: 'List the frameworks Assay assesses against' })
  async list(): Promise<Page<FrameworkSummary>> {
    return { data: await this.catalogue.listFrameworks(), nextCursor: null };
  }

  @Get(':key')
  @ApiOperation({
    summary:
      'A framework: themes, principles, claims with supporting evidence kinds, applicability, checks and mappings; or, with format=cyclonedx, the framework as a CycloneDX 1.6 standard (every claim a requirement with a stable bom-ref)',
  })
  @ApiOkResponse({ description: 'The framework document' })
  async get(@Param('key') key: string, @Query() query: FrameworkQueryDto): Promise<FrameworkDocument | CycloneDxStandardDocument> {
    if (!FRAMEWORK_KEY.test(key)) throw new NotFoundProblem(`Framework ${key.slice(0, 64)}`);
    const framework = await this.catalogue.getFramework(key, query.version);
    // The cached document is shared by every request until the cache renews it: its JSON is made once.
    return query.format === 'cyclonedx' ? frameworkAsCycloneDx(framework) : serialiseOnce(framework);
  }
}
