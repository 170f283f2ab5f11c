import 'reflect-metadata';
import { EvidenceModule, EVIDENCE_RESOLVERS } from '@assay/evidence';
import { runService } from '@assay/shared/http';

void runService({ service: 'evidence', title: 'Assay evidence', imports: [EvidenceModule], subgraph: EVIDENCE_RESOLVERS.length > 0 });
