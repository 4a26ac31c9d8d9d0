/**
 * The layer map of mailops, checked in CI (`npm run deps`, part of `npm test` and `npm run test:unit`).
 * Read it top to bottom: each layer may import the layers below it, never one above.
 *
 *   commands/            oclif commands: parse flags → one call into a feature → render
 *   src/command.ts, ui/  what commands share: the base command, tables, progress, prompts
 *   features             assess latency matrix tco plan report deploy verify dns lab blueprint
 *   src/fleet/           the inventory model, the run's SSH session and its exit-code rule, facts
 *   base                 ssh (transport only) config catalog util i18n errors.ts
 *
 * docs/architecture.md says the same in prose and where a new feature goes.
 * Known violations (none today) would be listed in .dependency-cruiser-known-violations.json.
 */
const FEATURES = '^src/(assess|latency|matrix|tco|rollout|report|deploy|verify|dns|lab|blueprint|drill|backup|route|audit|trace|evidence)/'
const FLEET = '^src/fleet/'
const BASE = '^src/(ssh|config|catalog|util|i18n)/|^src/errors\\.ts$'
const UI = '^src/ui/|^src/command\\.ts$'

module.exports = {
  forbidden: [
    {name: 'no-file-cycles', severity: 'error', comment: 'No module may reach itself through its imports.', from: {}, to: {circular: true}},
    {name: 'no-folder-cycles', severity: 'error', scope: 'folder', comment: 'No folder may reach itself through its imports (a cycle between folders ties them into one).', from: {}, to: {circular: true}},
    {name: 'commands-are-leaves', severity: 'error', comment: 'Nothing imports a command: a command is where a run starts.', from: {path: '^src/'}, to: {path: '^commands/'}},
    {name: 'ui-serves-commands-only', severity: 'error', comment: 'Features, fleet and base return data; only commands (and ui itself) render it.', from: {path: `${FEATURES}|${FLEET}|${BASE}`}, to: {path: UI}},
    {name: 'fleet-imports-down-only', severity: 'error', comment: 'The fleet is below every feature: it knows hosts, sessions and facts, not what a feature does with them.', from: {path: FLEET}, to: {path: `${FEATURES}|^commands/`}},
    {name: 'base-imports-down-only', severity: 'error', comment: 'ssh, config, catalog, util, i18n and errors know nothing of the fleet, features or commands (src/ssh/ is transport only).', from: {path: BASE}, to: {path: `${FLEET}|${FEATURES}|^commands/`}},
    {name: 'one-owner-of-the-ssh-pool', severity: 'error', comment: 'A run reaches hosts through its fleet session (src/fleet/session.ts), which alone builds the SSH pool.', from: {path: '^(commands|src)/', pathNot: '^src/(fleet|ssh)/'}, to: {path: '^src/ssh/pool\\.ts$'}},
    {name: 'not-to-unresolvable', severity: 'error', comment: 'An import that does not resolve is a broken build.', from: {}, to: {couldNotResolve: true}},
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '^(dist|node_modules)/'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json']},
  },
}
