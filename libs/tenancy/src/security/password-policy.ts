import * as common from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set((common.dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));

/**
 * NCSC/NIST-style policy: length over composition rules. At least 12 characters (at most 256, which
 * bounds hashing cost), and not a well-known password, a padded one ("password1234!") or one built
 * from the account's own email or name.
 */
export function passwordProblems(password: string, context: { email?: string; name?: string; organisation?: string } = {}): string[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return [`must be at least ${PASSWORD_MIN_LENGTH} characters`];
  if (length > PASSWORD_MAX_LENGTH) return [`must be at most ${PASSWORD_MAX_LENGTH} characters`];
  const lower = password.toLowerCase();
  const core = lower.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (COMMON_PASSWORDS.has(lower) || (core.length >= 4 && COMMON_PASSWORDS.has(core))) return ['is a commonly used password'];
  if (new Set(lower).size <= 3) return ['is too repetitive'];
  const personal = [context.email?.split('@')[0], context.name, context.organisation]
    .map((value) => value?.toLowerCase().replace(/\s+/g, ''))
    .filter((value): value is string => !!value && value.length >= 4);
  if (personal.some((value) => lower.replace(/\s+/g, '').includes(value) && core.length <= value.length + 2))
    return ['must not be built from your email, name or organisation'];
  return [];
}
