import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { TenantDirectory } from '../directory/tenant-directory';
import { PortalTokensService } from '../portal/portal-tokens.service';
import { PortalService } from '../portal/portal.service';
import { SuppliersModule } from '../suppliers/suppliers.module';
import { AssessmentsController, PortalController, PortalCredentialsController } from './assessments.controller';
import { AssessmentsService } from './assessments.service';

@Module({
  imports: [CatalogueModule, SuppliersModule],
  controllers: [AssessmentsController, PortalController, PortalCredentialsController],
  providers: [AssessmentsService, PortalTokensService, PortalService, TenantDirectory],
})
export class AssessmentLifecycleModule {}
