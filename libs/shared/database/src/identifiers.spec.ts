import { idMintedAt, isUuid, newId } from './identifiers';

describe('idMintedAt', () => {
  it('reads when a UUIDv7 was minted, and nothing from other ids', () => {
    const before = Date.now();
    const id = newId();
    const minted = idMintedAt(id) as number;
    expect(minted).toBeGreaterThanOrEqual(before);
    expect(minted).toBeLessThanOrEqual(Date.now());
    expect(idMintedAt('01900000-0000-7000-8000-000000000000')).toBe(0x019000000000);
    expect(idMintedAt('3f2504e0-4f89-41d3-9a0c-0305e82c3301')).toBeNull();
    expect(idMintedAt('not an id')).toBeNull();
  });
});

describe('newId', () => {
  it('mints distinct version-7 ids that sort in minting order', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws fresh random bits for every id, beyond the counter', () => {
    // The last 48 bits (42 of them random) differ between ids minted back to back but by chance.
    const tails = new Set(Array.from({ length: 1_000 }, () => newId().slice(24)));
    expect(tails.size).toBe(1_000);
  });
});
