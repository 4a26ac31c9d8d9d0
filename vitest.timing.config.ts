import {configDefaults, defineConfig} from 'vitest/config'

import suite from './vitest.config.js'

/**
 * Tests that time the network against a reference tool, run by scripts/test.sh after the rest of
 * the suite, one file at a time, so that no other test file's load lands in what they time (the
 * shared lab is brought up again for them by the same global setup). The suite's settings with
 * its file lists replaced (mergeConfig would concatenate them and run the whole suite again).
 */
export default defineConfig({
  test: {
    ...suite.test,
    include: ['test/timing/**/*.test.ts'],
    exclude: configDefaults.exclude,
    maxWorkers: 1,
  },
})
