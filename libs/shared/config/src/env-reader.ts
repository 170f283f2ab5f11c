import { ConfigError } from './config-error';

type Env = Record<string, string | undefined>;

/** Reads typed values out of an environment, collecting every problem before failing. */
export class EnvReader {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback?: string): string {
    const value = this.env[name]?.trim();
    if (value) return value;
    if (fallback !== undefined) return fallback;
    this.problems.push(`${name} is required`);
    return '';
  }

  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  integer(name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  /** `given` stands in for the variable when another source (a URL parameter) names the value. */
  boolean(name: string, fallback: boolean, given: string | undefined = this.optional(name)): boolean {
    const raw = given?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  url(name: string, protocols: string[], fallback?: string): string {
    const value = fallback === undefined ? this.string(name) : this.string(name, fallback);
    if (!value) return value;
    try {
      const parsed = new URL(value);
      if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return value;
  }

  /** Comma-separated URLs (no duplicates, at most `max`), each checked like `url`; trailing `/` dropped. */
  urlList(name: string, protocols: string[], fallback: string, max: number): string[] {
    const urls = this.string(name, fallback)
      .split(',')
      .map((item) => item.trim().replace(/\/+$/, ''))
      .filter(Boolean);
    const problems = this.problems.length;
    for (const url of urls) {
      try {
        if (!protocols.includes(new URL(url).protocol.replace(/:$/, ''))) this.problems.push(`${name} must list ${protocols.join(' or ')} URLs (got "${url}")`);
      } catch {
        this.problems.push(`${name} must list valid URLs separated by commas (got "${url}")`);
      }
    }
    if (urls.length === 0 || urls.length > max) this.problems.push(`${name} must list 1 to ${max} URLs separated by commas`);
    if (new Set(urls).size !== urls.length) this.problems.push(`${name} lists a URL twice`);
    return this.problems.length > problems ? [fallback] : urls;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
    return fallback;
  }

  /** A PEM value, given inline or base64-encoded (handy for single-line env files). */
  pem(name: string, required: boolean): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined) {
      if (required) this.problems.push(`${name} is required`);
      return undefined;
    }
    const text = raw.includes('-----BEGIN') ? raw.replace(/\\n/g, '\n') : Buffer.from(raw, 'base64').toString('utf8');
    if (!text.includes('-----BEGIN')) {
      this.problems.push(`${name} must be a PEM key (inline or base64-encoded)`);
      return undefined;
    }
    return text;
  }

  /** Comma-separated PEM keys (each inline or base64-encoded), in the order given. */
  pemList(name: string, required: boolean): string[] {
    const raw = this.optional(name);
    if (raw === undefined) {
      if (required) this.problems.push(`${name} is required`);
      return [];
    }
    const pems = raw
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => (item.includes('-----BEGIN') ? item.replace(/\\n/g, '\n') : Buffer.from(item, 'base64').toString('utf8')));
    if (pems.length === 0 || pems.some((pem) => !pem.includes('-----BEGIN'))) {
      this.problems.push(`${name} must be one or more PEM keys (inline or base64-encoded), separated by commas`);
      return [];
    }
    return pems;
  }

  /** A base64-encoded secret of exactly `bytes` bytes (encryption keys). */
  key(name: string, bytes: number, required: boolean): Buffer | undefined {
    const raw = this.optional(name);
    if (raw === undefined) {
      if (required) this.problems.push(`${name} is required (${bytes} random bytes, base64-encoded)`);
      return undefined;
    }
    const value = Buffer.from(raw, 'base64');
    if (value.length !== bytes) {
      this.problems.push(`${name} must be ${bytes} bytes, base64-encoded`);
      return undefined;
    }
    return value;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
