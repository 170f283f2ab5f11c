/** The evidence service as its own process (main.ts) and the combined process of `npm start` boot it. */
import { EvidenceModule, EVIDENCE_RESOLVERS, EvidenceSchemaModule } from '@assay/evidence';
import { domainService } from '@assay/shared/http/app';
import multipart from '@fastify/multipart';

export const EVIDENCE_SERVICE = domainService(
  'evidence',
  'Assay evidence',
  EvidenceModule,
  { resolvers: EVIDENCE_RESOLVERS, schemaModule: EvidenceSchemaModule },
  // Uploads are streamed part by part to storage; the intake route enforces the size limit itself.
  (app) => app.register(multipart as never) as unknown as Promise<void>,
);
