import {Args, Flags} from '@oclif/core'

import {MailopsCommand} from '../src/command.js'
import {ExitCode, InputError} from '../src/errors.js'
import {loadInventory, selectHosts} from '../src/ssh/inventory.js'
import {SshPool} from '../src/ssh/pool.js'
import {progressReporter} from '../src/ui/progress.js'
import {renderVerify} from '../src/ui/verify.js'
import {CHECK_IDS, CHECKS, checksMarkdown, type CheckId} from '../src/verify/catalog.js'
import {dnsResolver} from '../src/verify/dns.js'
import {startPeer} from '../src/verify/delivery.js'
import {junitXml} from '../src/verify/junit.js'
import {type NodeReport, runVerify, summarise} from '../src/verify/run.js'
import {selection} from '../src/verify/select.js'
import {bareTargets, inventoryTargets, readCa} from '../src/verify/targets.js'
import {now} from '../src/util/clock.js'
import {t} from '../src/i18n/index.js'

/** Without an inventory there is no SSH, domain or account: only what a stranger could check. */
const BARE_GROUPS = new Set(['network', 'smtp', 'tls', 'relay', 'auth'])
const BARE_IDS = new Set<CheckId>(CHECK_IDS.filter((id) => BARE_GROUPS.has(id.split('.')[0]) && !['auth.login', 'auth.bad-login'].includes(id)))

export default class Verify extends MailopsCommand {
  static summary = 'Check that mail nodes are correct and safe: ports, SMTP, TLS, AUTH, relay, delivery, DNS and host health.'
  static description = `Every check has an id, a severity and a hint (mailops verify --list; docs/verify-checks.md). Nodes are checked at once.

Exit codes: 0 every check passed (warnings allowed unless --strict), 1 a check failed, 2 bad input, 3 a node could not be reached (no mail port answered, or SSH failed).

Without an inventory, the targets (addresses, host names, or domains standing for their MX hosts) get the checks a stranger can make: network, smtp, tls, relay and auth before TLS.`

  static strict = false
  static args = {targets: Args.string({description: 'Hosts or domains to check without an inventory.'})}
  static examples = [
    {description: 'Every node of the lab, every check (the lab inventory names the CA, domain and verify account)', command: '<%= config.bin %> <%= command.id %> -i /var/lib/mailops/lab/default/inventory.yaml --resolver 198.18.0.1'},
    {description: 'In CI: JUnit for the test report, warnings fail too', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --format junit --strict > verify.xml'},
    {description: 'Only TLS and relay, on one node', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --hosts mx1 --only tls,relay'},
    {description: 'Without delivery (sends no mail)', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --skip delivery'},
    {description: 'A host or domain without an inventory', command: '<%= config.bin %> <%= command.id %> mx1.example.com --ca-file ca.pem'},
    {description: 'Every check and what it proves', command: '<%= config.bin %> <%= command.id %> --list'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', summary: 'Inventory file (nodes, roles, domain, SSH access, verify account).'}),
    hosts: Flags.string({summary: 'Comma-separated inventory host names (default: all).'}),
    only: Flags.string({multiple: true, delimiter: ',', summary: 'Run only these groups or check ids (e.g. tls,relay.open).'}),
    skip: Flags.string({multiple: true, delimiter: ',', summary: 'Skip these groups or check ids (e.g. delivery).'}),
    strict: Flags.boolean({default: false, summary: 'Warnings fail too.'}),
    format: Flags.option({options: ['table', 'junit'] as const, default: 'table' as const, summary: 'Output: a table per node, or JUnit XML for CI.'})(),
    'ca-file': Flags.string({summary: 'PEM CA bundle to check certificate chains against (default: vars.tls_ca_file, else the system roots).'}),
    resolver: Flags.string({summary: 'DNS server for the dns checks and name lookups, ADDRESS or ADDRESS:PORT (default: the system resolver).'}),
    peer: Flags.string({summary: "ADDRESS:PORT to listen on for outbound mail (where the core's relayhost or the recipient's MX points); without it the outbound checks are skipped."}),
    role: Flags.option({options: ['edge', 'core'] as const, default: 'edge' as const, summary: 'Role of bare targets: which ports they must serve.'})(),
    timeout: Flags.integer({default: 10, min: 1, summary: 'Seconds for each connection and answer.'}),
    'delivery-timeout': Flags.integer({default: 60, min: 1, summary: 'Seconds a test message may take to arrive.'}),
    parallel: Flags.integer({default: 32, min: 1, summary: 'Nodes checked at once.'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    list: Flags.boolean({summary: 'Print every check, what it proves and how to fix it; check nothing.'}),
  }

  async run(): Promise<{strict: boolean; summary: ReturnType<typeof summarise>; nodes: NodeReport[]} | {checks: Array<{id: string; scope: string; proves: string; fix: string}>}> {
    const {flags, argv} = await this.parse(Verify)
    if (flags.list) {
      if (!this.jsonEnabled()) this.log(checksMarkdown().trimEnd())
      return {checks: CHECK_IDS.map((id) => ({id, ...CHECKS[id]}))}
    }
    const bare = argv as string[]
    if (!flags.inventory && bare.length === 0) throw new InputError(t('verify.nothing'), {code: 'USAGE', hint: 'e.g. mailops verify -i inventory.yaml, or mailops verify mx1.example.com'})
    if (flags.inventory && bare.length > 0) throw new InputError(t('verify.both', {targets: bare.join(' ')}), {code: 'USAGE'})
    const chosen = selection(flags.only, flags.skip)
    const resolver = dnsResolver(flags.resolver)
    const peerAddress = flags.peer ? parseListen(flags.peer) : undefined
    const strict = flags.strict

    let plan: Parameters<typeof runVerify>[0]
    const probe = {timeoutMs: flags.timeout * 1000, deliveryTimeoutMs: flags['delivery-timeout'] * 1000, now: now(), helo: 'verify.mailops.invalid'}
    let pool: SshPool | undefined
    if (flags.inventory) {
      const inventory = loadInventory(flags.inventory)
      const targets = inventoryTargets(this.config.root, inventory, selectHosts(inventory, flags.hosts?.split(',').filter(Boolean)))
      pool = new SshPool({knownHosts: inventory.knownHosts, acceptNew: flags['accept-new'], connectTimeoutMs: flags.timeout * 1000})
      plan = {
        nodes: targets.nodes,
        dns: targets.dns,
        selected: chosen,
        probe: {...probe, domain: targets.dns?.domain, credentials: targets.credentials, ca: flags['ca-file'] ? readCa(flags['ca-file']) : targets.ca},
        resolver,
        pool,
        concurrency: flags.parallel,
      }
    } else {
      const asked = [...(flags.only ?? [])].filter((name) => !BARE_GROUPS.has(name) && !BARE_IDS.has(name as CheckId))
      if (asked.length > 0) throw new InputError(t('verify.needsInventory', {names: asked.join(',')}), {code: 'USAGE', hint: 'Give -i inventory.yaml, or check bare targets with network, smtp, tls, relay, auth.'})
      plan = {
        nodes: await bareTargets(bare, flags.role, resolver),
        selected: (id) => BARE_IDS.has(id) && chosen(id),
        probe: {...probe, ca: flags['ca-file'] ? readCa(flags['ca-file']) : undefined},
        concurrency: flags.parallel,
      }
    }
    const wantsOutbound = ['delivery.outbound-dkim', 'delivery.outbound-spf', 'delivery.outbound-dmarc'].some((id) => plan.selected(id as CheckId))
    const peer = peerAddress && wantsOutbound && plan.dns ? await startPeer(peerAddress).catch((error: Error) => Promise.reject(new InputError(t('verify.peerListen', {peer: flags.peer!, reason: error.message}), {code: 'USAGE'}))) : undefined
    const progress = progressReporter(!this.jsonEnabled())
    progress(t('verify.checking', {count: plan.nodes.length, domain: plan.dns ? t('verify.andDomain', {domain: plan.dns.domain}) : ''}))
    let nodes: NodeReport[]
    try {
      nodes = await runVerify({
        ...plan,
        peer,
        onNode: (n) => {
          const s = summarise([n])
          progress(t('verify.nodeDone', {node: n.name, checks: n.checks.length, failed: s.fail, warnings: s.warn, errors: s.error, seconds: (n.ms / 1000).toFixed(1)}))
        },
      })
    } finally {
      await peer?.close()
      await pool?.close()
    }
    const summary = summarise(nodes)
    if (!this.jsonEnabled()) this.log(flags.format === 'junit' ? junitXml(nodes, strict, probe.now) : renderVerify(nodes, summary, strict))
    process.exitCode = summary.error > 0 ? ExitCode.unreachable : summary.fail > 0 || (strict && summary.warn > 0) ? ExitCode.checksFailed : ExitCode.ok
    return {strict, summary, nodes}
  }
}

function parseListen(value: string): {host: string; port: number} {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(value)
  if (!match || Number(match[2]) > 65_535) throw new InputError(t('verify.badPeer', {value}), {code: 'USAGE', hint: 'e.g. --peer 198.18.0.1:2525'})
  return {host: match[1], port: Number(match[2])}
}
