import 'reflect-metadata';
import { TenancyModule, TENANCY_RESOLVERS } from '@assay/tenancy';
import { runService } from '@assay/shared/http/app';

void runService({ service: 'tenancy', title: 'Assay tenancy', imports: [TenancyModule], subgraph: TENANCY_RESOLVERS.length > 0 });
