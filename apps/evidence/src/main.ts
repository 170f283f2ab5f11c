import 'reflect-metadata';
import { EvidenceModule, EVIDENCE_RESOLVERS } from '@assay/evidence';
import { runService } from '@assay/shared/http/app';
import multipart from '@fastify/multipart';

void runService({
  service: 'evidence',
  title: 'Assay evidence',
  imports: [EvidenceModule],
  subgraph: EVIDENCE_RESOLVERS.length > 0,
  // Uploads are streamed part by part to storage; the intake route enforces the size limit itself.
  configure: (app) => app.register(multipart as never) as unknown as Promise<void>,
});
