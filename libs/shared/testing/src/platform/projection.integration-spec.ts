import type { DataSource } from 'typeorm';
import { newId, writeProjection } from '@assay/shared/database';
import { ownerDataSource } from '../helpers';

/** A projection table of its own (one schema per run), so no other test's rows are in sight. */
const SCHEMA = `projection_${newId().replace(/-/g, '').slice(-12)}`;

describe('writeProjection: the newer event wins', () => {
  let owner: DataSource;

  beforeAll(async () => {
    owner = await ownerDataSource();
    await owner.query(`create schema "${SCHEMA}"`);
    await owner.query(
      `create table "${SCHEMA}"."things" (tenant_id uuid not null, id uuid not null, serial uuid not null, name text not null, tags jsonb,
        event_at timestamptz not null, updated_at timestamptz not null default now(), primary key (tenant_id, id))`,
    );
  });
  afterAll(async () => {
    await owner.query(`drop schema "${SCHEMA}" cascade`);
    await owner.destroy();
  });

  const tenantId = newId();
  const write = (id: string, name: string, eventAt: string, tags: string[] | null = null) =>
    writeProjection(owner.manager, {
      table: [SCHEMA, 'things'],
      key: ['tenant_id', 'id'],
      values: { tenant_id: tenantId, id, name, tags: tags && JSON.stringify(tags) },
      merge: { tags: 'coalesce(excluded.tags, current.tags)' },
      insertOnly: { serial: 'gen_random_uuid()' },
      eventAt,
    });
  const row = async (id: string) => {
    const [found]: { name: string; tags: string[] | null; serial: string; event_at: Date }[] = await owner.query(
      `select name, tags, serial, event_at from "${SCHEMA}"."things" where tenant_id = $1 and id = $2`,
      [tenantId, id],
    );
    if (!found) throw new Error(`no row ${id}`);
    return found;
  };

  it('inserts, overwrites from a newer or equal event, and ignores an older one', async () => {
    const id = newId();
    expect(await write(id, 'first', '2026-01-02T00:00:00Z', ['a'])).toBe(true);
    const { serial } = await row(id);

    expect(await write(id, 'older', '2026-01-01T00:00:00Z', ['b'])).toBe(false);
    expect(await row(id)).toMatchObject({ name: 'first', tags: ['a'], serial });

    expect(await write(id, 'same time', '2026-01-02T00:00:00Z')).toBe(true);
    expect(await row(id)).toMatchObject({ name: 'same time', tags: ['a'], serial });

    expect(await write(id, 'newer', '2026-01-03T00:00:00Z', ['c'])).toBe(true);
    expect(await row(id)).toMatchObject({ name: 'newer', tags: ['c'], serial, event_at: new Date('2026-01-03T00:00:00Z') });
  });

  it('refuses an identifier that is not a plain name', async () => {
    await expect(
      writeProjection(owner.manager, {
        table: [SCHEMA, 'things; drop table x'],
        key: ['tenant_id'],
        values: { tenant_id: tenantId },
        eventAt: '2026-01-01T00:00:00Z',
      }),
    ).rejects.toThrow(/unsafe SQL identifier/);
  });
});
