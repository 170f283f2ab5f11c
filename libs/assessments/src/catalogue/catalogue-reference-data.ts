import type { ReferenceDataSet } from '@assay/shared/database';
import { FrameworkDocument, loadBundledCatalogues } from './catalogue-document';
import { CatalogueRepository } from './catalogue.repository';

const repository = new CatalogueRepository();

/**
 * The Code catalogue as reference data: the framework versions bundled with Assay (YAML beside this
 * file), which the migration runner loads, as the schema owner, after migrating.
 */
export const CATALOGUE_REFERENCE_DATA: ReferenceDataSet<FrameworkDocument> = {
  name: 'catalogue',
  documents: loadBundledCatalogues,
  label: (doc) => `${doc.key} ${doc.version}`,
  upsert: (manager, doc) => repository.upsertFramework(manager, doc),
};
