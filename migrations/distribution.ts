/**
 * Global tables: the only tables without tenant_id. Under Citus each becomes a reference table
 * (a full copy on every node); every other table of these schemas is distributed by tenant_id.
 * A new table is either a tenant table (tenant_id in its primary key, unique keys and foreign keys)
 * or listed here; the distribution audit names any table that is neither.
 */
export const REFERENCE_TABLES: readonly string[] = [
  // The Code catalogue (reference data loaded by the migration runner).
  'assessments.frameworks',
  'assessments.framework_themes',
  'assessments.framework_principles',
  'assessments.framework_claims',
  'assessments.framework_checks',
  'assessments.framework_mappings',
  // People sign in once and belong to several organisations.
  'tenancy.users',
  'tenancy.recovery_codes',
];

/** Every tenant table is colocated with the organisations table (one shard group per tenant range). */
export const COLOCATION_ANCHOR = 'tenancy.tenants';
