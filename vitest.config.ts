import {configDefaults, defineConfig} from 'vitest/config'

// This run holds the labs it brings up (src/lab/lab.ts): another run that names one of them (a
// second checkout, an engineer's single file) is refused instead of tearing it down under this one.
// Set before any worker or command starts, so all of them inherit it.
process.env.MAILOPS_LAB_HOLDER ??= String(process.pid)

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Timed against a reference tool on a quiet machine: vitest.timing.config.ts, after this run.
    exclude: [...configDefaults.exclude, 'test/timing/**'],
    globalSetup: ['test/e2e/lab-setup.ts'],
    disableConsoleIntercept: true,
    // A test's own bound: each run of the binary is bounded by test/helpers/cli.ts (HANG_MS), and
    // tests that deploy or verify booted hosts took 60-105 s while two other engineers' suites
    // shared the 2 cores (a passing verify, a dry run after an edge deploy, every schema printed).
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two test files at a time: the end-to-end files mostly wait on hosts and links, so two of
    // them share these 2 cores well, and one at a time took CI past 30 minutes once every suite
    // provisioned booted hosts. Files with labs of their own use names and subnets of their own.
    maxWorkers: 2,
  },
})
