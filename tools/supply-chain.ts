/**
 * Assay's own supply-chain gate, run by CI after the tests:
 *
 * 1. `npm audit` of the installed tree: any high or critical advisory fails the gate unless
 *    security/audit-exceptions.json holds an unexpired written exception for it (by GHSA id or
 *    package name). When the advisory service cannot be reached, only an unexpired
 *    `audit-service-unavailable` exception lets the gate pass, and it says so loudly.
 * 2. Assay's own SBOM, CycloneDX and SPDX (`npm sbom`, production dependencies), written to
 *    dist/sbom/ and read back through Assay's own evidence parser: it must parse as the SBOM kind
 *    with every component accounted for.
 *
 *   npm run supply-chain
 */
import { fileTypeDetector, parseEvidence } from '@assay/evidence';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AuditException, AuditReport, evaluateAudit } from './supply-chain/audit-gate';

const root = resolve(__dirname, '..', '..');

function npm(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', args, { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function audit(): string[] {
  const { exceptions } = JSON.parse(readFileSync(join(root, 'security', 'audit-exceptions.json'), 'utf8')) as { exceptions: AuditException[] };
  const result = npm(['audit', '--json', '--omit=dev']);
  let report: AuditReport;
  try {
    report = JSON.parse(result.stdout) as AuditReport;
  } catch {
    report = { error: { summary: result.stderr.trim() || 'npm audit printed no report' } };
  }
  const verdict = evaluateAudit(report, exceptions);
  for (const note of verdict.notes) console.log(`audit: ${note}`);
  return verdict.failures;
}

async function sbom(format: 'cyclonedx' | 'spdx', outDir: string): Promise<string[]> {
  const result = npm(['sbom', `--sbom-format=${format}`, '--omit=dev']);
  if (result.status !== 0) return [`npm sbom --sbom-format=${format} failed: ${result.stderr.trim().split('\n').slice(0, 3).join(' ')}`];
  const file = join(outDir, format === 'cyclonedx' ? 'assay.cdx.json' : 'assay.spdx.json');
  writeFileSync(file, result.stdout);
  const document = JSON.parse(result.stdout) as { components?: unknown[]; packages?: unknown[] };
  // The SPDX document lists Assay itself as a package; the CycloneDX one names it in metadata.
  const expected = format === 'cyclonedx' ? (document.components ?? []).length : (document.packages ?? []).length - 1;
  const parsed = await parseEvidence(Buffer.from(result.stdout), { kindHint: null, sbomMaxAgeDays: 90, detectBinary: fileTypeDetector() });
  const counted = parsed.components?.length ?? 0;
  console.log(`sbom: ${format} with ${counted} components written to ${join('dist', 'sbom', file.split('/').pop() ?? '')} (${parsed.mediaType})`);
  if (parsed.kind !== 'sbom') return [`Assay's ${format} SBOM parsed as ${parsed.kind}, not an SBOM`];
  if (counted !== expected) return [`Assay's ${format} SBOM lists ${expected} components but ${counted} were read`];
  return [];
}

async function main(): Promise<void> {
  const outDir = join(root, 'dist', 'sbom');
  mkdirSync(outDir, { recursive: true });
  const failures = [...audit(), ...(await sbom('cyclonedx', outDir)), ...(await sbom('spdx', outDir))];
  if (failures.length > 0) {
    for (const failure of failures) console.error(`supply chain: ${failure}`);
    process.exit(1);
  }
  console.log('supply chain: gate passed');
}

main().catch((error: unknown) => {
  console.error(`supply chain: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
