/**
 * Refreshes the Sigstore public-good trusted root Assay verifies bundles against
 * (libs/evidence/src/signatures/trust/trusted_root.json). The root is fetched through Sigstore's TUF
 * repository: the TUF client starts from the root metadata it embeds, verifies every metadata role's
 * signatures and expiry, and accepts the target only when its length and hash match the signed
 * targets metadata. The new root must still be usable as trust material before it replaces the old.
 *
 *   npm run trust-root:refresh                 (TUF_MIRROR_URL overrides the mirror)
 */
import { trustMaterialFrom } from '@assay/evidence';
import { initTUF } from '@sigstore/tuf';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
const target = join(root, 'libs/evidence/src/signatures/trust/trusted_root.json');

async function main(): Promise<void> {
  const mirrorURL = process.env['TUF_MIRROR_URL'] ?? 'https://tuf-repo-cdn.sigstore.dev';
  const cachePath = mkdtempSync(join(tmpdir(), 'assay-tuf-'));
  try {
    const tuf = await initTUF({ mirrorURL, cachePath, forceInit: true, forceCache: false });
    const fetched = await tuf.getTarget('trusted_root.json');
    trustMaterialFrom(JSON.parse(fetched));
    const previous = readFileSync(target, 'utf8');
    if (previous === fetched) {
      console.log(`trust-root: ${target} is current`);
      return;
    }
    writeFileSync(target, fetched);
    console.log(`trust-root: ${target} replaced with the root from ${mirrorURL}; record the date in its MANIFEST.md and commit it`);
  } finally {
    rmSync(cachePath, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`trust-root: ${(error as Error).message}`);
  process.exit(1);
});
