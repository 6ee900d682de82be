import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI bundled once per run (bin/cutover.mjs runs the sources where a file changed since).
    globalSetup: ['test/harness/cli-bundle.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time: most tests wait on PostgreSQL, sshd, ssh-keygen and child
    // processes, so on a 2-CPU machine two workers nearly halve the wall time (one worker, the
    // default there, had run 71 of 132 files after 27 minutes). Every test owns its databases,
    // ports and folders.
    maxWorkers: 2,
    reporters: ['default', ['json', { outputFile: '.vitest-results.json' }]],
  },
});
