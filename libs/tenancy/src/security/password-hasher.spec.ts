import { PasswordHasher } from './password-hasher';

let active = 0;
let peak = 0;

jest.mock('@node-rs/argon2', () => ({
  Algorithm: { Argon2id: 2 },
  hash: async (password: string) => {
    active += 1;
    peak = Math.max(peak, active);
    await new Promise((resolve) => setTimeout(resolve, 5));
    active -= 1;
    return `hashed:${password}`;
  },
  verify: async () => true,
}));

describe('PasswordHasher', () => {
  beforeEach(() => {
    active = 0;
    peak = 0;
  });

  it('runs at most the configured number of hashes at once; the rest wait their turn', async () => {
    const hasher = new PasswordHasher({ passwordHashConcurrency: 2 });
    const hashes = await Promise.all(Array.from({ length: 7 }, (_, i) => hasher.hash(`password ${i}`)));
    expect(hashes).toEqual(Array.from({ length: 7 }, (_, i) => `hashed:password ${i}`));
    expect(peak).toBe(2);
  });
});
