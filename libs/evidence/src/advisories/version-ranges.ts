import { compare as comparePep440, valid as validPep440 } from '@renovatebot/pep440';
import { LRUCache } from 'lru-cache';
import semver from 'semver';
import type { AdvisoryRange, AffectedPackage } from './advisory-documents';

/*
 * Version semantics per ecosystem, chosen by the purl type of the package: npm, Cargo, Go, NuGet and
 * Composer by SemVer (`semver`, loose, Go's leading `v` dropped), PyPI by PEP 440
 * (`@renovatebot/pep440`), and Maven, RubyGems, Debian and RPM by small comparators written from
 * their specifications (Maven's ComparableVersion, Gem::Version, dpkg's verrevcmp, rpmvercmp). A
 * version an ecosystem cannot read is never guessed at: the comparison says so and the component is
 * left unmatched with that reason.
 */

/** Compares two versions: negative, zero or positive; null when either is not a version of the ecosystem. */
export type VersionComparator = (a: string, b: string) => number | null;

/**
 * `read` of a version string, remembered for the last `limit` strings read: a match compares the
 * same few versions with every boundary of every range, and reading a version costs more than
 * comparing two read ones. What `read` returns is shared between callers and never changed.
 */
function remembered<T>(read: (version: string) => T, limit = 4096): (version: string) => T {
  // Boxed: a version that does not read (null) is remembered too.
  const known = new LRUCache<string, { value: T }>({ max: limit });
  return (version) => {
    const hit = known.get(version);
    if (hit) return hit.value;
    const value = read(version);
    known.set(version, { value });
    return value;
  };
}

const semverOf = (stripV: boolean) =>
  remembered((version: string): semver.SemVer | null => {
    const raw = stripV ? version.replace(/^v/, '') : version;
    return semver.parse(raw, { loose: true }) ?? semver.coerce(raw, { loose: true, includePrerelease: true });
  });

const semverComparator = (stripV: boolean): VersionComparator => {
  const read = semverOf(stripV);
  return (a, b) => {
    const left = read(a);
    const right = read(b);
    // The read versions compared as they are: `semver.compare` would parse both again.
    return left && right ? left.compare(right) : null;
  };
};
const BY_SEMVER = semverComparator(false);
const BY_GO_SEMVER = semverComparator(true);
const bySemver = (stripV = false): VersionComparator => (stripV ? BY_GO_SEMVER : BY_SEMVER);

const byPep440: VersionComparator = (a, b) => (validPep440(a) && validPep440(b) ? comparePep440(a, b) : null);

/** Maven's ComparableVersion, for the usual forms: numbers, then qualifiers in their known order. */
const MAVEN_QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const MAVEN_ALIASES: Readonly<Record<string, string>> = { a: 'alpha', b: 'beta', m: 'milestone', cr: 'rc', ga: '', final: '', release: '' };

const mavenItems = remembered((version: string): readonly (number | string)[] => {
  const items: (number | string)[] = [];
  for (const token of version.toLowerCase().match(/\d+|[a-z]+/g) ?? []) {
    items.push(/^\d+$/.test(token) ? Number(token) : (MAVEN_ALIASES[token] ?? token));
  }
  // Trailing zeros and release qualifiers do not count: 1.0 = 1 = 1.0.0-ga.
  while (items.length > 0 && (items[items.length - 1] === 0 || items[items.length - 1] === '')) items.pop();
  return items;
});

/**
 * Where one item sorts: qualifiers in their known order (a release, '', after the pre-releases and
 * before `sp`), unknown qualifiers after them by text, numbers after every qualifier. A missing item
 * stands for 0 beside a number and for a release beside a qualifier.
 */
function mavenItemOrder(item: number | string | undefined, other: number | string | undefined): [number, number | string] {
  if (item === undefined) return typeof other === 'number' ? [3, 0] : [1, MAVEN_QUALIFIERS.indexOf('')];
  if (typeof item === 'number') return [3, item];
  const known = MAVEN_QUALIFIERS.indexOf(item);
  return known >= 0 ? [1, known] : [2, item];
}

const byMaven: VersionComparator = (a, b) => {
  if (!/^\d/.test(a.trim()) || !/^\d/.test(b.trim())) return null;
  const left = mavenItems(a);
  const right = mavenItems(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const [leftRank, leftValue] = mavenItemOrder(left[index], right[index]);
    const [rightRank, rightValue] = mavenItemOrder(right[index], left[index]);
    if (leftRank !== rightRank) return leftRank < rightRank ? -1 : 1;
    if (leftValue !== rightValue) return leftValue < rightValue ? -1 : 1;
  }
  return 0;
};

/** Gem::Version: dot-separated segments; a segment with letters marks a prerelease, which sorts first. */
const byRubyGems: VersionComparator = (a, b) => {
  const pattern = /^[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
  if (!pattern.test(a.trim()) || !pattern.test(b.trim())) return null;
  const segments = (version: string) =>
    (
      version
        .trim()
        .replace(/-/g, '.pre.')
        .match(/[0-9]+|[a-z]+/gi) ?? []
    ).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  const left = segments(a);
  const right = segments(b);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const l = left[index] ?? 0;
    const r = right[index] ?? 0;
    if (l === r) continue;
    if (typeof l === 'string' && typeof r === 'number') return -1;
    if (typeof l === 'number' && typeof r === 'string') return 1;
    return l < r ? -1 : 1;
  }
  return 0;
};

/** dpkg's comparison of one upstream or revision part: non-digits (with `~` before everything), then digits. */
function debianPart(a: string, b: string): number {
  const order = (character: string | undefined) =>
    character === undefined ? 0 : character === '~' ? -1 : /[a-zA-Z]/.test(character) ? character.charCodeAt(0) : character.charCodeAt(0) + 256;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !/\d/.test(a[i] as string)) || (j < b.length && !/\d/.test(b[j] as string))) {
      const left = i < a.length && !/\d/.test(a[i] as string) ? order(a[i]) : 0;
      const right = j < b.length && !/\d/.test(b[j] as string) ? order(b[j]) : 0;
      if (left !== right) return left - right;
      i += 1;
      j += 1;
    }
    let left = '';
    let right = '';
    while (i < a.length && /\d/.test(a[i] as string)) left += a[i++];
    while (j < b.length && /\d/.test(b[j] as string)) right += b[j++];
    const difference = Number(left || '0') - Number(right || '0');
    if (difference !== 0) return difference;
  }
  return 0;
}

function debianParts(version: string): [number, string, string] | null {
  const match = /^(?:(\d+):)?([0-9][A-Za-z0-9.+~:-]*?)(?:-([A-Za-z0-9.+~]+))?$/.exec(version.trim());
  return match ? [Number(match[1] ?? 0), match[2] as string, match[3] ?? '0'] : null;
}

const byDebian: VersionComparator = (a, b) => {
  const left = debianParts(a);
  const right = debianParts(b);
  if (!left || !right) return null;
  if (left[0] !== right[0]) return left[0] - right[0];
  return Math.sign(debianPart(left[1], right[1]) || debianPart(left[2], right[2]));
};

/** rpmvercmp over alphanumeric segments (`~` sorts before everything, `^` after the base). */
function rpmSegments(a: string, b: string): number {
  const left = a.match(/~|\^|\d+|[a-zA-Z]+/g) ?? [];
  const right = b.match(/~|\^|\d+|[a-zA-Z]+/g) ?? [];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const l = left[index];
    const r = right[index];
    if (l === r) continue;
    if (l === '~' || r === '~') return l === '~' ? -1 : 1;
    if (l === '^') return r === undefined ? 1 : -1;
    if (r === '^') return l === undefined ? -1 : 1;
    if (l === undefined) return -1;
    if (r === undefined) return 1;
    const leftNumeric = /^\d/.test(l);
    const rightNumeric = /^\d/.test(r);
    if (leftNumeric !== rightNumeric) return leftNumeric ? 1 : -1;
    if (leftNumeric) {
      const difference = Number(l) - Number(r);
      if (difference !== 0) return Math.sign(difference);
    } else if (l !== r) return l < r ? -1 : 1;
  }
  return 0;
}

const byRpm: VersionComparator = (a, b) => {
  const parts = (version: string) => {
    const match = /^(?:(\d+):)?([^-]+)(?:-(.+))?$/.exec(version.trim());
    return match && /\d/.test(match[2] as string) ? ([Number(match[1] ?? 0), match[2] as string, match[3] ?? ''] as const) : null;
  };
  const left = parts(a);
  const right = parts(b);
  if (!left || !right) return null;
  if (left[0] !== right[0]) return Math.sign(left[0] - right[0]);
  return rpmSegments(left[1], right[1]) || (left[2] && right[2] ? rpmSegments(left[2], right[2]) : 0);
};

/** `intdot` (vers): dot-separated non-negative integers compared one by one (1.4.1074 < 1.4.1116). */
const byIntDot: VersionComparator = (a, b) => {
  if (!/^\d+(\.\d+)*$/.test(a) || !/^\d+(\.\d+)*$/.test(b)) return null;
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
};

/** The comparator of a purl type, or null for an ecosystem Assay does not compare versions of. */
export function comparatorFor(purlType: string): VersionComparator | null {
  switch (purlType) {
    case 'npm':
    case 'cargo':
    case 'nuget':
    case 'composer':
    case 'hex':
    case 'pub':
      return bySemver();
    case 'golang':
      return bySemver(true);
    case 'pypi':
      return byPep440;
    case 'maven':
      return byMaven;
    case 'gem':
      return byRubyGems;
    case 'deb':
      return byDebian;
    case 'rpm':
      return byRpm;
    default:
      return null;
  }
}

/** The comparator of a `vers:` versioning scheme: the purl types' own, plus the schemes vers adds. */
function versComparator(scheme: string): VersionComparator | null {
  if (scheme === 'semver') return bySemver();
  if (scheme === 'intdot') return byIntDot;
  if (scheme === 'pypi' || scheme === 'pep440') return byPep440;
  if (scheme === 'debian') return byDebian;
  if (scheme === 'go') return bySemver(true);
  return comparatorFor(scheme);
}

const VERS_COMPARATORS = ['>=', '<=', '!=', '<', '>', '='] as const;
type VersComparator = (typeof VERS_COMPARATORS)[number];
export const MAX_VERS_CONSTRAINTS = 100;

/**
 * Whether `version` is in a `vers:` range (the purl specification's version range spec,
 * `vers:<scheme>/<constraint>|…`), compared with the scheme's semantics: `*` is every version; `=`
 * lists one; `!=` leaves one out; the other constraints, sorted by version, are read as the spec's
 * algorithm reads them (a first `<`/`<=` bounds from below nothing; `>`/`>=` followed by `<`/`<=`
 * is an interval; a last `>`/`>=` is open above). Null with a reason when the range or the version
 * cannot be read.
 */
export function inVersRange(vers: string, version: string): { inRange: boolean } | { reason: string } {
  const match = /^vers:([a-z0-9.+-]+)\/(.+)$/i.exec(vers.trim());
  if (!match) return { reason: `${vers.slice(0, 100)} is not a vers range` };
  const scheme = (match[1] as string).toLowerCase();
  const body = (match[2] as string).trim();
  if (body === '*') return { inRange: true };
  const compare = versComparator(scheme);
  if (!compare) return { reason: `versions of the vers scheme ${scheme} are not compared` };
  const parts = body
    .split('|')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
  if (parts.length === 0 || parts.length > MAX_VERS_CONSTRAINTS) return { reason: `${vers.slice(0, 100)} has no readable constraints` };
  const constraints: { comparator: VersComparator; version: string }[] = [];
  for (const part of parts) {
    const comparator = VERS_COMPARATORS.find((candidate) => part.startsWith(candidate)) ?? '=';
    let value: string;
    try {
      value = decodeURIComponent(part.slice(comparator === '=' && !part.startsWith('=') ? 0 : comparator.length).trim());
    } catch {
      return { reason: `${part.slice(0, 100)} is not a readable vers constraint` };
    }
    if (!value || compare(value, value) === null) return { reason: `${value.slice(0, 100)} is not a valid ${scheme} version` };
    constraints.push({ comparator, version: value });
  }
  const order = compare(version, version);
  if (order === null) return { reason: `${version} is not a valid ${scheme} version` };
  const against = (constraint: { comparator: VersComparator; version: string }): boolean => {
    const difference = compare(version, constraint.version) as number;
    switch (constraint.comparator) {
      case '=':
        return difference === 0;
      case '!=':
        return difference !== 0;
      case '<':
        return difference < 0;
      case '<=':
        return difference <= 0;
      case '>':
        return difference > 0;
      case '>=':
        return difference >= 0;
    }
  };
  if (constraints.some((constraint) => constraint.comparator === '=' && against(constraint))) return { inRange: true };
  if (constraints.some((constraint) => constraint.comparator === '!=' && !against(constraint))) return { inRange: false };
  const bounds = constraints
    .filter((constraint) => constraint.comparator !== '=' && constraint.comparator !== '!=')
    .sort((x, y) => compare(x.version, y.version) ?? 0);
  const lower = (constraint: { comparator: VersComparator } | undefined) => constraint?.comparator === '>' || constraint?.comparator === '>=';
  for (const [index, constraint] of bounds.entries()) {
    const next = bounds[index + 1];
    if (index === 0 && !lower(constraint) && against(constraint)) return { inRange: true };
    if (lower(constraint)) {
      if (!next && against(constraint)) return { inRange: true };
      if (next && !lower(next) && against(constraint) && against(next)) return { inRange: true };
    }
  }
  // Only `!=` constraints (the version is none of them): every other version is in.
  return { inRange: bounds.length === 0 && constraints.every((constraint) => constraint.comparator === '!=') };
}

export type RangeStatus = 'affected' | 'fixed' | 'not_affected' | 'under_investigation';

export interface VersionVerdict {
  /** Null: the package is named but this version is neither in a range nor past a fix. */
  status: RangeStatus | null;
  /** Why no verdict could be reached (an unreadable version, an ecosystem without a comparator). */
  reason?: string;
}

type RangeEvent = NonNullable<AdvisoryRange['events']>[number];

/** Each range's events in version order, by comparator: worked out once for all the versions a match compares with the range. */
const orderedEvents = new WeakMap<AdvisoryRange, { compare: VersionComparator; ordered: RangeEvent[] }>();

function eventsInOrder(range: AdvisoryRange, compare: VersionComparator): RangeEvent[] {
  const known = orderedEvents.get(range);
  if (known?.compare === compare) return known.ordered;
  const boundary = (event: RangeEvent) => event.introduced ?? event.fixed ?? event.last_affected ?? event.limit ?? '0';
  const ordered = [...(range.events ?? [])].sort((x, y) => {
    const left = boundary(x);
    const right = boundary(y);
    if (left === '0') return -1;
    if (right === '0') return 1;
    return compare(left, right) ?? 0;
  });
  orderedEvents.set(range, { compare, ordered });
  return ordered;
}

/** Whether `version` falls in one OSV range (events evaluated in version order, as the OSV schema describes). */
function inRange(range: AdvisoryRange, version: string, compare: VersionComparator): { affected: boolean; pastFix: boolean } | null {
  let affected = false;
  let pastFix = false;
  for (const event of eventsInOrder(range, compare)) {
    if (event.introduced !== undefined) {
      const order = event.introduced === '0' ? 1 : compare(version, event.introduced);
      if (order === null) return null;
      if (order >= 0) affected = true;
    } else if (event.fixed !== undefined) {
      const order = compare(version, event.fixed);
      if (order === null) return null;
      if (order >= 0) {
        if (affected) pastFix = true;
        affected = false;
      }
    } else if (event.last_affected !== undefined) {
      const order = compare(version, event.last_affected);
      if (order === null) return null;
      if (order > 0) {
        if (affected) pastFix = true;
        affected = false;
      }
    }
  }
  return { affected, pastFix };
}

/**
 * The advisory's word on one version of a package it names: `affected` when a range covers it or it
 * is listed, `fixed` when it sits at or past a fix (and no other range covers it), the CSAF document's
 * own status for a listed version; null when none of these.
 */
export function versionStatus(
  purlType: string,
  item: Pick<AffectedPackage, 'ranges' | 'versions'> & { status?: string | null },
  version: string | null,
): VersionVerdict {
  if (!version) return { status: null, reason: 'the component has no version' };
  const compare = comparatorFor(purlType);
  if (!compare) return { status: null, reason: `versions of ${purlType} packages are not compared` };
  if (compare(version, version) === null) return { status: null, reason: `${version} is not a valid ${purlType} version` };
  for (const listed of item.versions) {
    if (compare(version, listed) === 0) return { status: (item.status as RangeStatus | null | undefined) ?? 'affected' };
  }
  let fixed = false;
  let unread: string | undefined;
  for (const range of item.ranges) {
    if (range.type === 'VERS' && range.vers) {
      // A CSAF product's `vers:` range carries the document's own status for the versions it covers.
      const verdict = inVersRange(range.vers, version);
      if ('reason' in verdict) unread ??= verdict.reason;
      else if (verdict.inRange) return { status: (item.status as RangeStatus | null | undefined) ?? 'affected' };
      continue;
    }
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') continue;
    const verdict = inRange(range, version, range.type === 'SEMVER' ? bySemver(purlType === 'golang') : compare);
    if (verdict === null) continue;
    if (verdict.affected) return { status: 'affected' };
    if (verdict.pastFix) fixed = true;
  }
  if (fixed) return { status: 'fixed' };
  return unread ? { status: null, reason: unread } : { status: null };
}
