/** The tenancy service as its own process (main.ts) and the combined process of `npm start` boot it. */
import { TenancyModule, TENANCY_RESOLVERS, TenancySchemaModule } from '@assay/tenancy';
import { domainService } from '@assay/shared/http/app';

export const TENANCY_SERVICE = domainService('tenancy', 'Assay tenancy', TenancyModule, { resolvers: TENANCY_RESOLVERS, schemaModule: TenancySchemaModule });
