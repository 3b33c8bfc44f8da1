import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../../dist/ui', import.meta.url));
/**
 * One HTML page per UI: the sandbox (`/sandbox/`), the registry (`/registry/`) and the dashboard
 * (`/admin/`); they share assets/.
 */
const pages = {
  index: fileURLToPath(new URL('./index.html', import.meta.url)),
  registry: fileURLToPath(new URL('./registry.html', import.meta.url)),
  admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
};

export default defineConfig({
  root: uiRoot,
  // Relative asset URLs: the pages are served under /sandbox/, /registry/ and /admin/.
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  optimizeDeps: {
    // Needed by `vite dev` only: CommonJS dependencies reached through monaco-graphql.
    include: ['monaco-graphql > picomatch-browser', 'graphql-language-service > nullthrows'],
  },
  build: {
    outDir,
    emptyOutDir: true,
    // Inline every font and image: the pages must load nothing from the internet.
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    // The editor (Monaco) alone is several megabytes; that is expected.
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
    rolldownOptions: {
      input: pages,
      onwarn(warning, warn) {
        // GraphiQL ships React Compiler output with a module-level "use no memo" directive; harmless here.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
});
