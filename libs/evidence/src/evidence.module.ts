import { Module } from '@nestjs/common';
import { AdvisoriesController } from './advisories/advisories.controller';
import { AdvisoryFeedsController } from './advisories/advisory-feeds.controller';
import { AdvisoryFeedsService } from './advisories/advisory-feeds.service';
import { ComponentsService } from './components/components.service';
import { EvidenceWorkerModule } from './evidence-worker.module';
import { EvidenceService } from './evidence/evidence.service';
import { ComponentsController, EvidenceController, PortalEvidenceReadController } from './evidence/evidence.controller';
import { AdvisoriesResolver, AdvisoryExposureResolver } from './graphql/advisories.resolver';
import { AssessmentEvidenceResolver, ComponentExposureResolver, EvidenceResolver, SupplierEvidenceResolver } from './graphql/evidence.resolver';
import { EvidenceIntakeController, PortalEvidenceController, PortalRenewalController } from './intake/evidence-intake.controller';
import { EvidenceIntakeService } from './intake/evidence-intake.service';
import { SigningKeysController } from './signing-keys/signing-keys.controller';
import { SigningKeysService } from './signing-keys/signing-keys.service';
import { AdvisoryInquiriesController, InquiriesController, PortalInquiryController } from './inquiries/inquiries.controller';
import { InquiriesResolver } from './graphql/inquiries.resolver';

/** Resolvers of the evidence subgraph (the schema tooling builds the subgraph SDL from them). */
export const EVIDENCE_RESOLVERS = [
  EvidenceResolver,
  ComponentExposureResolver,
  SupplierEvidenceResolver,
  AssessmentEvidenceResolver,
  AdvisoriesResolver,
  AdvisoryExposureResolver,
  InquiriesResolver,
];

/**
 * The evidence service: intake (uploads and URLs) into content-addressed storage, the evidence and
 * component routes and the evidence subgraph, over the domain's background work (which the worker
 * runs on its own through EvidenceWorkerModule). Nothing here needs the HTTP server: the multipart
 * parser is registered by the service app.
 */
@Module({
  imports: [EvidenceWorkerModule],
  controllers: [
    EvidenceIntakeController,
    PortalEvidenceController,
    PortalRenewalController,
    PortalEvidenceReadController,
    EvidenceController,
    ComponentsController,
    SigningKeysController,
    AdvisoriesController,
    AdvisoryFeedsController,
    AdvisoryInquiriesController,
    InquiriesController,
    PortalInquiryController,
  ],
  providers: [...EVIDENCE_RESOLVERS, EvidenceIntakeService, EvidenceService, ComponentsService, SigningKeysService, AdvisoryFeedsService],
})
export class EvidenceModule {}
