import { mapColumns } from './row-mapping';

interface Row {
  id: string;
  supplier_id: string;
  valid_until: Date | null;
  created_at: Date;
  facts: Record<string, unknown>;
  due: boolean;
}

const row: Row = {
  id: 'e1',
  supplier_id: 's1',
  valid_until: null,
  created_at: new Date('2026-01-02T03:04:05.678Z'),
  facts: { created: new Date('2020-01-01T00:00:00Z') },
  due: true,
};

describe('mapColumns', () => {
  it('names the listed columns in camelCase, in list order, with timestamps as ISO 8601 strings', () => {
    const mapped = mapColumns(
      row,
      `id, supplier_id, valid_until,
      created_at, facts`,
    );
    expect(mapped).toEqual({ id: 'e1', supplierId: 's1', validUntil: null, createdAt: '2026-01-02T03:04:05.678Z', facts: row.facts });
    expect(Object.keys(mapped)).toEqual(['id', 'supplierId', 'validUntil', 'createdAt', 'facts']);
  });

  it('leaves out what the list does not name, and converts only top-level timestamps', () => {
    const mapped = mapColumns(row, 'id, facts');
    expect(mapped).toEqual({ id: 'e1', facts: { created: new Date('2020-01-01T00:00:00Z') } });
    expect('due' in mapped).toBe(false);
  });
});
