import type { DataSource, EntityManager } from 'typeorm';

/**
 * Global reference data (the same for every tenant, such as the Code catalogue) that ships with the
 * code and that the migration runner loads, as the schema owner, after migrating. A lib declares it;
 * the runner knows nothing of what it holds.
 */
export interface ReferenceDataSet<TDocument = unknown> {
  /** What the log calls it, e.g. `catalogue`. */
  readonly name: string;
  /** The documents bundled with the code. */
  documents(): readonly TDocument[];
  /** One document as the log names it, e.g. `uk-sscop 2025-05-07`. */
  label(document: TDocument): string;
  /** Writes one document; idempotent, so loading the same documents again changes nothing. */
  upsert(manager: EntityManager, document: TDocument): Promise<void>;
}

/** Loads each set's documents, one transaction per set, and logs `<name> <label> loaded` per document. */
export async function loadReferenceData(
  dataSource: DataSource,
  sets: readonly ReferenceDataSet[],
  log: (line: string) => void = () => undefined,
): Promise<void> {
  for (const set of sets) {
    const documents = set.documents();
    await dataSource.transaction(async (manager) => {
      for (const document of documents) await set.upsert(manager, document);
    });
    for (const document of documents) log(`${set.name} ${set.label(document)} loaded`);
  }
}
