import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2-core machines: PGlite boots take seconds; two forks keep the suite fast without thrashing.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // Every file's output and every Triage process it starts is scanned for secrets (test/support/secret-scan.ts).
    setupFiles: ['test/support/secret-scan-setup.ts'],
  },
});
