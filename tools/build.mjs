// Compiles every TypeScript source of the workspace into dist/ with swc (decorator metadata kept,
// workspace path aliases rewritten to relative requires), builds the supplier portal page with Vite
// (apps/portal-web → dist/apps/portal-web, served by the gateway), then composes the GraphQL supergraph.
import { transformFile } from '@swc/core';
import { readFileSync, mkdirSync, writeFileSync, rmSync, readdirSync, statSync, copyFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'dist');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
const sourceDirs = ['apps', 'libs', 'migrations', 'tools', 'bench'];
const assetPattern = /\.(ya?ml|graphql|html|css|txt|json)$/;
// The portal page is a browser app with its own toolchain (Vite), built below.
const PORTAL_WEB = join('apps', 'portal-web');
const skip = (p) => /(^|\/)(node_modules|dist)(\/|$)/.test(p) || /\.(spec|integration-spec|e2e-spec)\.ts$/.test(p) || p === PORTAL_WEB;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (skip(relative(root, full))) continue;
    if (statSync(full).isDirectory()) yield* walk(full);
    else yield full;
  }
}

const started = Date.now();
rmSync(out, { recursive: true, force: true });
const jobs = [];
for (const dir of sourceDirs) {
  let files;
  try {
    files = [...walk(join(root, dir))];
  } catch {
    continue;
  }
  for (const file of files) {
    const target = join(out, relative(root, file));
    if (file.endsWith('.ts') && !file.endsWith('.d.ts')) {
      jobs.push(
        transformFile(file, {
          jsc: {
            parser: { syntax: 'typescript', decorators: true },
            transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
            target: 'es2022',
            baseUrl: root,
            paths: compilerOptions.paths,
            keepClassNames: true,
          },
          module: { type: 'commonjs', strictMode: true },
          sourceMaps: true,
          swcrc: false,
          configFile: false,
        }).then((result) => {
          const js = target.replace(/\.ts$/, '.js');
          mkdirSync(dirname(js), { recursive: true });
          writeFileSync(js, `${result.code}\n//# sourceMappingURL=${js.split('/').pop()}.map\n`);
          if (result.map) writeFileSync(`${js}.map`, result.map);
        }),
      );
    } else if (assetPattern.test(file) && !file.endsWith('project.json')) {
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(file, target);
    }
  }
}
const portalPage = import('vite').then(({ build }) => build({ configFile: join(root, PORTAL_WEB, 'vite.config.mjs') }));
await Promise.all(jobs);
console.log(`build: compiled ${jobs.length} files in ${Date.now() - started} ms`);
await portalPage;
console.log(`build: supplier portal page built in ${Date.now() - started} ms`);

if (!process.argv.includes('--no-compose')) {
  const result = spawnSync(process.execPath, ['--enable-source-maps', join(out, 'tools/compose-supergraph.js')], { stdio: 'inherit', cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
