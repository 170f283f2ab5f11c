/**
 * The decision of Assay's supply-chain gate on an `npm audit --json` report: which high or critical
 * advisories block a release, given the written exceptions in security/audit-exceptions.json.
 */

export interface AuditException {
  /** A GHSA id, a package name, or `audit-service-unavailable`. */
  id: string;
  reason: string;
  owner: string;
  /** ISO date after which the exception excuses nothing. */
  expires: string;
}

interface AuditAdvisory {
  name: string;
  title?: string;
  url?: string;
  severity: string;
}

/** What `npm audit --json` prints: a report, or (when the advisory service fails) an error. */
export interface AuditReport {
  vulnerabilities?: Record<string, { severity: string; via: Array<AuditAdvisory | string> }>;
  error?: { code?: string; summary?: string };
  message?: string;
}

export interface AuditVerdict {
  /** Advisories (or conditions) that fail the gate. */
  failures: string[];
  /** What the gate excused or could not check, to be printed. */
  notes: string[];
}

export const BLOCKING_SEVERITIES = new Set(['high', 'critical']);
const SERVICE_UNAVAILABLE = 'audit-service-unavailable';

/** Unexpired exceptions by id; malformed ones are refused outright, lapsed ones noted and ignored. */
export function liveExceptions(exceptions: AuditException[], now: Date, notes: string[]): Map<string, AuditException> {
  const live = new Map<string, AuditException>();
  for (const exception of exceptions) {
    const expires = Date.parse(exception.expires);
    if (!exception.id?.trim() || !exception.reason?.trim() || !exception.owner?.trim() || Number.isNaN(expires)) {
      throw new Error(`audit exception ${JSON.stringify(exception.id)} needs an id, a reason, an owner and an expiry date`);
    }
    if (expires < now.getTime()) notes.push(`exception ${exception.id} lapsed on ${exception.expires} and excuses nothing`);
    else live.set(exception.id, exception);
  }
  return live;
}

function advisoryId(advisory: AuditAdvisory): string | null {
  return /GHSA-[\w-]+/.exec(advisory.url ?? '')?.[0] ?? null;
}

export function evaluateAudit(report: AuditReport, exceptions: AuditException[], now = new Date()): AuditVerdict {
  const notes: string[] = [];
  const live = liveExceptions(exceptions, now, notes);
  if (report.error || !report.vulnerabilities) {
    const why = (report.error?.summary ?? report.error?.code ?? report.message ?? 'no report').split('\n')[0];
    const excused = live.get(SERVICE_UNAVAILABLE);
    if (!excused) return { failures: [`npm audit could not fetch advisories (${why}) and no written exception covers that`], notes };
    notes.push(`NOT RUN: the advisory service could not be reached (${why})`);
    notes.push(`excused until ${excused.expires} (owner ${excused.owner}): ${excused.reason}`);
    return { failures: [], notes };
  }
  const failures: string[] = [];
  let blocking = 0;
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
    if (!BLOCKING_SEVERITIES.has(vulnerability.severity)) continue;
    const advisories = vulnerability.via.filter((via): via is AuditAdvisory => typeof via !== 'string');
    // A package vulnerable only through its dependencies is reported under those packages.
    for (const advisory of advisories) {
      if (!BLOCKING_SEVERITIES.has(advisory.severity)) continue;
      blocking += 1;
      const id = advisoryId(advisory);
      const excused = (id ? live.get(id) : undefined) ?? live.get(name);
      const label = [advisory.severity, id, `in ${name}:`, advisory.title ?? 'see npm audit'].filter(Boolean).join(' ');
      if (excused) notes.push(`excused until ${excused.expires}: ${label}`);
      else failures.push(label);
    }
  }
  notes.push(
    `${Object.keys(report.vulnerabilities).length} vulnerable packages, ${blocking} high or critical advisories, ${failures.length} without an exception`,
  );
  return { failures, notes };
}
