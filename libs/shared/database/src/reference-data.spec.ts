import type { DataSource, EntityManager } from 'typeorm';
import { ReferenceDataSet, loadReferenceData } from './reference-data';

/** A data source whose transactions hand out numbered managers and record what ran in each. */
function recordingDataSource() {
  const transactions: string[][] = [];
  const dataSource = {
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
      const writes: string[] = [];
      transactions.push(writes);
      return work({ writes } as unknown as EntityManager);
    },
  } as unknown as DataSource;
  return { dataSource, transactions };
}

const set = (name: string, documents: string[]): ReferenceDataSet<string> => ({
  name,
  documents: () => documents,
  label: (document) => document.toUpperCase(),
  upsert: async (manager, document) => {
    (manager as unknown as { writes: string[] }).writes.push(`${name}:${document}`);
  },
});

describe('loading reference data', () => {
  it('writes each set in one transaction of its own and logs every document loaded', async () => {
    const { dataSource, transactions } = recordingDataSource();
    const lines: string[] = [];
    await loadReferenceData(dataSource, [set('catalogue', ['a', 'b']), set('other', ['c'])], (line) => lines.push(line));
    expect(transactions).toEqual([['catalogue:a', 'catalogue:b'], ['other:c']]);
    expect(lines).toEqual(['catalogue A loaded', 'catalogue B loaded', 'other C loaded']);
  });

  it('logs nothing of a set whose transaction fails, and stops there', async () => {
    const { dataSource, transactions } = recordingDataSource();
    const failing: ReferenceDataSet<string> = { ...set('broken', ['x']), upsert: () => Promise.reject(new Error('constraint')) };
    const lines: string[] = [];
    await expect(loadReferenceData(dataSource, [failing, set('after', ['y'])], (line) => lines.push(line))).rejects.toThrow('constraint');
    expect(transactions).toHaveLength(1);
    expect(lines).toEqual([]);
  });
});
