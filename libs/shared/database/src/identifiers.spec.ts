import { idMintedAt, newId } from './identifiers';

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
