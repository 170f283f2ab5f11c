import fc from 'fast-check';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from './password-policy';

const PROBLEMS = [
  `must be at least ${PASSWORD_MIN_LENGTH} characters`,
  `must be at most ${PASSWORD_MAX_LENGTH} characters`,
  'is a commonly used password',
  'is too repetitive',
  'must not be built from your email, name or organisation',
];

describe('password policy under generated input', () => {
  it('answers every password with known problems only, and judges length in characters, not UTF-16 units', () => {
    const passwords = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', minLength: 8, maxLength: 20 }),
      fc.string({ unit: 'binary', maxLength: 30 }),
      fc
        .tuple(
          fc.constantFrom('password', 'qwerty', 'letmein', 'dragon', 'monkey', 'P@ssw0rd'),
          fc.string({ unit: fc.constantFrom('1', '2', '!', '_', ' ', '.'), maxLength: 8 }),
        )
        .map(([word, padding]) => `${padding}${word}${padding}`),
      fc.string({ unit: fc.constantFrom('a', 'b', '1'), minLength: 10, maxLength: 300 }),
    );
    const context = fc.record({
      email: fc.option(fc.emailAddress(), { nil: undefined }),
      name: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
      organisation: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(passwords, context, (password, who) => {
        const problems = passwordProblems(password, who);
        const length = [...password].length;
        expect(problems.length).toBeLessThanOrEqual(1);
        expect(problems.every((problem) => PROBLEMS.includes(problem))).toBe(true);
        if (length < PASSWORD_MIN_LENGTH) expect(problems).toEqual([PROBLEMS[0]]);
        if (length > PASSWORD_MAX_LENGTH) expect(problems).toEqual([PROBLEMS[1]]);
        if (problems.length === 0) expect(new Set(password.toLowerCase()).size).toBeGreaterThan(3);
        return true;
      }),
    );
  });
});
