import { machineNow } from '@assay/shared/clock';
import { Algorithm, hash, verify } from '@node-rs/argon2';
import { APP_CONFIG, AppConfig } from '@assay/shared/config';
import { ServiceUnavailableProblem } from '@assay/shared/http';
import { Inject, Injectable } from '@nestjs/common';

/** argon2id with OWASP's minimum: 19 MiB memory, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = { algorithm: Algorithm.Argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;
/** Hashes waiting for a slot before new sign-ins are turned away with 503. */
const MAX_WAITING = 64;

/**
 * Password hashing with a cap on concurrent hashes, so a burst of sign-ins cannot exhaust memory or
 * the thread pool: excess callers wait in a bounded queue, and beyond it are told to retry.
 */
@Injectable()
export class PasswordHasher {
  /** Hashes running at once per process (PASSWORD_HASH_CONCURRENCY); each holds 19 MiB and a thread. */
  private readonly maxConcurrent: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** A real hash of a random password: verified against when the account does not exist, so timing does not reveal it. */
  private decoy: Promise<string> | undefined;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'passwordHashConcurrency'>) {
    this.maxConcurrent = config.passwordHashConcurrency;
  }

  async hash(password: string): Promise<string> {
    return this.limited(() => hash(password, ARGON2_OPTIONS));
  }

  async verify(storedHash: string | null, password: string): Promise<boolean> {
    this.decoy ??= this.hash(`decoy-${Math.random()}-${machineNow()}`);
    const target = storedHash ?? (await this.decoy);
    const ok = await this.limited(() => verify(target, password).catch(() => false));
    return ok && storedHash !== null;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.maxConcurrent) {
      if (this.waiting.length >= MAX_WAITING) throw new ServiceUnavailableProblem('Too many sign-ins at once; retry shortly', 2);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.running += 1;
    try {
      return await work();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}
