#!/usr/bin/env node
// `--version` is what scripts and CI ask most; answer it without loading oclif (≈110 ms here),
// in exactly oclif's format (test/commands/version.test.ts holds the two together).
if (process.argv.length === 3 && process.argv[2] === '--version') {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // The execute entry alone: the package's index loads help, ux and more that a run does not need (158 modules against 99).
  const {execute} = await import('@oclif/core/execute')
  await execute({dir: import.meta.url})
}
