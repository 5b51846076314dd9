import { defineConfig } from 'vitest/config';

// One run covers every package: unit tests sit beside the code, cross-package behaviour lives in test/.
export default defineConfig({
  test: {
    include: ['{api,shared,data,web,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Fails the run when a test leaves a temporary folder behind (test/helpers/temp-dir-guard.ts).
    globalSetup: ['test/helpers/temp-dir-guard.ts'],
  },
});
