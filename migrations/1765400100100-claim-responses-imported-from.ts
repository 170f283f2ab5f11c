import { addColumnMigration } from '@assay/shared/database';

/**
 * An answer prefilled from a supplier's declaration (CycloneDX Attestations evidence) names that
 * evidence until the supplier confirms or changes it, as carried-forward answers do.
 */
export const ClaimResponsesImportedFrom1765400100100 = addColumnMigration('ClaimResponsesImportedFrom1765400100100', {
  schema: 'assessments',
  table: 'claim_responses',
  column: 'imported_from',
  definition: 'uuid',
});
