import {defineConfig} from 'vitest/config'

/**
 * `npm run test:unit`: the pure tests (test/unit) and the built binary on files (test/commands).
 * No root, no lab hosts.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/commands/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    pool: 'forks',
  },
})
