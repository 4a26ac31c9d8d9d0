import {defineConfig} from 'vitest/config'

/**
 * No root, no lab hosts. `npm run test:unit`: the pure tests (test/unit, well under 30 s on an
 * idle machine); `npm run test:commands`: the built binary on files (test/commands). Without a
 * folder (`npx vitest run --config vitest.unit.config.ts`) both.
 */
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/commands/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 60_000,
    pool: 'forks',
  },
})
