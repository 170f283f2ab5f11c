import { passwordProblems } from './password-policy';

describe('password policy', () => {
  it('wants length, refuses common and personal passwords, accepts passphrases', () => {
    expect(passwordProblems('Tr0ub4dor&3')).toEqual(['must be at least 12 characters']);
    expect(passwordProblems('x'.repeat(257))).toEqual(['must be at most 256 characters']);
    expect(passwordProblems('1qaz2wsx3edc')).toEqual(['is a commonly used password']);
    expect(passwordProblems('password123456!')).toEqual(['is a commonly used password']);
    expect(passwordProblems('aaaaaaaaaaaaaaa')).toEqual(['is too repetitive']);
    expect(passwordProblems('samjones2026!', { email: 'samjones@example.com' })).toEqual(['must not be built from your email, name or organisation']);
    expect(passwordProblems('correct horse battery staple')).toEqual([]);
  });
});
