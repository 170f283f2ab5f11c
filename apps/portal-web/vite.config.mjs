// The supplier portal page: a small Preact app built into dist/apps/portal-web (served by the gateway
// at /portal). `npm run build` builds it; `npx vite apps/portal-web` serves it with the API proxied
// to a running `npm start`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  base: '/portal/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/portal-web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  resolve: { alias: { '@assay/shared/api-client': fileURLToPath(new URL('../../libs/shared/api-client/src/index.ts', import.meta.url)) } },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
