import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for everyone (the package has no "exports"); Vite would
    // pick its ESM build for our sources, and graphql-js rejects schema objects from the other copy.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // CI runs the suite on a shared machine: end-to-end tests that take 10–15 s alone have taken
    // over twice that there, so the default leaves room; a test that needs more says so itself.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { APOLLO_TELEMETRY_DISABLED: 'true' },
  },
});
