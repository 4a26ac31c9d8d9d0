import type {SshConnection} from '../ssh/connection.js'
import {HostError} from '../ssh/errors.js'
import {shellQuote} from '../util/shell.js'

/** Where mailops keeps its state on a host: pending restarts, runs, audit. */
export const STATE_DIR = '/var/lib/mailops'
export const PENDING_FILE = `${STATE_DIR}/pending-restarts`
export const AUDIT_FILE = '/var/log/mailops/audit.jsonl'
/** Held (flock) by an apply from its compare-and-swap to its last restart: one apply per host at a time. */
export const LOCK_FILE = `${STATE_DIR}/lock`
export const CERT_FILE = '/etc/mailops/tls/cert.pem'
export const KEY_FILE = '/etc/mailops/tls/key.pem'
export const DKIM_KEY_FILE = '/etc/opendkim/keys/dkim.private'
/** The timer that renews an ACME node's certificate (Debian's certbot package; blueprints/acme). */
export const RENEWAL_TIMER = 'certbot.timer'
export const LOGROTATE_FILE = '/etc/logrotate.d/mailops'
/** Where the core blueprint's Maildirs are (Dovecot's mail location). */
export const MAIL_STORE = '/var/mail/vhosts'
/** Where a message's text could lie on a node: the mailboxes, the queue, the logs, temporary files. */
export const MAIL_TRACE_DIRS = ['/var/mail', '/var/vmail', '/var/spool', '/var/log', '/tmp'] as const
/** The first bytes of every file Dovecot's mail_crypt wrote (dcrypt format). */
export const MAIL_CRYPT_MAGIC = 'CRYPTED'
/** The core blueprint's mail_crypt key pair on the host (Dovecot's config process reads them). */
export const MAIL_CRYPT_PUBLIC_KEY = '/etc/mailops/mail-crypt/public.pem'
export const MAIL_CRYPT_PRIVATE_KEY = '/etc/mailops/mail-crypt/private.pem'
/** The host firewall's ruleset as the blueprints deploy it, and the table of mailops' own in it. */
export const FIREWALL_FILE = '/etc/nftables.conf'
export const FIREWALL_TABLE = 'inet mailops'

export interface FileState {
  sha256: string | null
  mode?: string
  owner?: string
  group?: string
}

/** Everything mailops can learn about a host in one exec; a run asks for the facts it needs (see FACTS). */
export interface HostFacts {
  /** per path asked for, in that order */
  files: FileState[]
  /** restarts recorded by an apply that did not finish them */
  pending: string[]
  /** of the services asked for (each with its blueprint's ready command), those that do not answer it */
  unready: string[]
  init: 'systemd' | 'sysv'
  /** of the packages asked for, those not installed */
  missingPackages: string[]
  os: string
  /** enabled: whether systemd starts it at boot (absent without systemd) */
  services: Array<{name: string; running: boolean; enabled?: boolean}>
  /** units systemd reports as failed (undefined without systemd) */
  failedUnits: string[] | undefined
  /** the Postfix queue; null when postqueue did not answer */
  mailQueue: {messages: number; deferred: number; bounced: number} | null
  disks: Array<{path: string; mount: string; freePercent: number; freeMb: number}>
  memory: {totalKb: number; availableKb: number} | null
  certificate: {present: boolean; notAfter?: Date; keyMatches?: boolean}
  /** logrotate: installed, its mailops config present, `logrotate -d` clean, Postfix's log covered, how many rotations kept */
  logrotate: {state: 'absent' | 'nofile' | 'present'; exitCode?: number; error?: string; coversPostfix?: boolean; rotate?: number} | undefined
  /**
   * The firewall: mailops' table as the kernel has it against the same table loaded from
   * FIREWALL_FILE into a scratch network namespace (both listed by the host's own nft, without
   * counters or set contents); undefined when not asked for.
   */
  firewall: {state: 'no-systemd' | 'no-nft' | 'nofile' | 'unloaded' | 'invalid' | 'match' | 'differ'; lines?: number; detail?: string} | undefined
  /** base64 DER public key of the DKIM signing key, when the host has one */
  dkimPublic: string | undefined
  /** base64 DER (SubjectPublicKeyInfo) of the key of the certificate the node serves (CERT_FILE): an ACME node's DANE TLSA record is computed from it */
  tlsPublic: string | undefined
  /**
   * Debian's certbot.timer (its next run read through date -d: systemctl show prints it as local text), which renews an ACME node's certificate: enabled and active, and
   * when it runs next; absent when the host has no such timer (no certbot, or no systemd)
   */
  renewalTimer: {state: 'absent'} | {state: 'present'; enabled: boolean; active: boolean; next?: Date}
  /**
   * Mail at rest: the files under the places mail and its traces live (MAIL_TRACE_DIRS) that hold
   * the given text in plain, and the Maildir message files under MAIL_STORE by whether they start
   * with mail_crypt's magic (a few of the plain ones named)
   */
  storedPlain: {found: string[]; messages: number; plain: number; plainExamples: string[]}
  /** how many Maildir message files under MAIL_STORE do not start with mail_crypt's magic (deploy encrypts them) */
  plainMessages: number
  /**
   * Replication (blueprint replication): per peer, what the core's sync loop last wrote to
   * REPLICATION_STATE_DIR/PEER.json, and the host's clock when it was read (epoch seconds)
   */
  replication: {now: number; peers: ReplicationState[]}
  /** the host's audit log (AUDIT_FILE), line by line; empty when it has none */
  auditLog: string[]
  /** the mail log lines of one message (asked for by its Message-ID): each with the log it is from */
  mailTrail: Array<{source: 'postfix' | 'dovecot' | 'rspamd'; line: string}>
}

/** One peer's replication state, as the sync loop writes it (blueprints/replication/templates/mailops-replicate). */
export interface ReplicationState {
  peer: string
  /** when the last sync that completed for every mailbox began (epoch s; everything stored before is on both); null: none yet */
  lastOk: number | null
  lastTry: number
  /** what the last failed round said ('' after a complete one) */
  error: string
}

export const REPLICATION_STATE_DIR = '/var/lib/mailops/replication'

/** What a fact's shell fragment needs: the names it reports on, or nothing. */
interface FactArgs {
  files: readonly string[]
  missingPackages: readonly string[]
  services: readonly string[]
  unready: ReadonlyArray<{name: string; ready: string}>
  /** the Message-ID, with its angle brackets */
  mailTrail: string
  /** the text that must be in no file in plain (a canary's body) */
  storedPlain: string
}
type ArgOf<K extends keyof HostFacts> = K extends keyof FactArgs ? FactArgs[K] : true

/**
 * One fact, pyinfra-style: a shell fragment whose every output line starts with the fact's own
 * tag, and the parser of those lines (tab-separated fields after the tag). Fragments print
 * nothing secret (public keys only).
 */
interface Fact<K extends keyof HostFacts> {
  tag: string
  script: (arg: ArgOf<K>) => string
  parse: (rows: string[][]) => HostFacts[K]
}

/**
 * Every Maildir message file under MAIL_STORE, one line each: `c` (it starts with mail_crypt's
 * magic) or `p<TAB>path` (plain). Maildir names hold no tab or new line; the magic is read as
 * bytes, each file's first 7. Prints nothing without a store.
 */
export const maildirScan = `[ -d ${MAIL_STORE} ] && find ${MAIL_STORE} -type f \\( -path '*/cur/*' -o -path '*/new/*' \\) -exec sh -c 'for f; do if [ "$(head -c 7 "$f")" = ${MAIL_CRYPT_MAGIC} ]; then echo c; else printf "p\\t%s\\n" "$f"; fi; done' sh {} + 2>/dev/null`

const last = <T>(rows: string[][], read: (fields: string[]) => T, otherwise: T): T => (rows.length > 0 ? read(rows.at(-1)!) : otherwise)

/** Every fact mailops knows. Adding one: a field in HostFacts and an entry here with a tag of its own. */
export const FACTS: {[K in keyof HostFacts]: Fact<K>} = {
  files: {
    tag: 'F',
    script: (paths) =>
      [
        `for p in ${paths.map(shellQuote).join(' ')}; do`,
        '  if [ -f "$p" ]; then printf "F\\t%s\\t%s\\n" "$(sha256sum "$p" | cut -d" " -f1)" "$(stat --printf "%a\\t%U\\t%G" "$p")"; else printf "F\\tabsent\\n"; fi',
        'done',
      ].join('\n'),
    parse: (rows) => rows.map((f) => (f[0] === 'absent' ? {sha256: null} : {sha256: f[0], mode: f[1].padStart(4, '0'), owner: f[2], group: f[3]})),
  },
  pending: {tag: 'P', script: () => `[ -f ${PENDING_FILE} ] && sed 's/^/P\\t/' ${PENDING_FILE}`, parse: (rows) => rows.map((f) => f[0]).filter(Boolean)},
  // Bounded like an apply's step: a ready command that hangs is a service that does not answer.
  unready: {
    tag: 'Y',
    script: (services) => services.map((s) => `timeout -k 2 10 sh -c ${shellQuote(s.ready)} >/dev/null 2>&1 < /dev/null || printf 'Y\t%s\n' ${shellQuote(s.name)}`).join('\n'),
    parse: (rows) => rows.map((f) => f[0]),
  },
  init: {tag: 'I', script: () => 'if [ -d /run/systemd/system ]; then echo "I\tsystemd"; else echo "I\tsysv"; fi', parse: (rows) => last(rows, (f) => (f[0] === 'systemd' ? 'systemd' : 'sysv'), 'sysv')},
  missingPackages: {
    tag: 'N',
    script: (names) => `for k in ${names.map(shellQuote).join(' ')}; do dpkg-query -W -f='\${Status}' "$k" 2>/dev/null | grep -q "install ok installed" || printf "N\\t%s\\n" "$k"; done`,
    parse: (rows) => rows.map((f) => f[0]),
  },
  os: {tag: 'O', script: () => '. /etc/os-release 2>/dev/null; printf "O\\t%s %s\\n" "${ID:-unknown}" "${VERSION_ID:-}"', parse: (rows) => last(rows, (f) => f[0].trim(), 'unknown')},
  services: {
    tag: 'S',
    script: (names) =>
      `for s in ${names.map(shellQuote).join(' ')}; do if service "$s" status >/dev/null 2>&1; then r=1; else r=0; fi; e=-; [ -d /run/systemd/system ] && e=$(systemctl is-enabled "$s" 2>/dev/null); printf 'S\\t%s\\t%s\\t%s\\n' "$s" "$r" "$e"; done`,
    parse: (rows) => rows.map((f) => ({name: f[0], running: f[1] === '1', ...(f[2] && f[2] !== '-' ? {enabled: f[2] === 'enabled'} : {})})),
  },
  failedUnits: {
    tag: 'U',
    script: () => `[ -d /run/systemd/system ] && printf 'U\\t%s\\n' "$(systemctl list-units --state=failed --no-legend --plain 2>/dev/null | awk '{print $1}' | paste -sd, -)"`,
    parse: (rows) => last(rows, (f) => (f[0] ? f[0].split(',') : []), undefined),
  },
  mailQueue: {
    tag: 'Q',
    script: () =>
      `q=$(postqueue -j 2>/dev/null) && printf 'Q\\t%s\\t%s\\t%s\\n' "$(printf '%s' "$q" | grep -c .)" "$(printf '%s' "$q" | grep -c '"queue_name": *"deferred"')" "$(grep -c 'status=bounced' /var/log/postfix.log 2>/dev/null)"`,
    parse: (rows) => last(rows, (f) => ({messages: Number(f[0]), deferred: Number(f[1] ?? 0), bounced: Number(f[2] || 0)}), null),
  },
  disks: {
    tag: 'D',
    script: () => `for d in /var/spool/postfix /var/mail; do [ -d "$d" ] && df -P "$d" | awk -v d="$d" 'NR==2 {printf "D\\t%s\\t%s\\t%s\\t%d\\n", d, $6, 100 - $5, $4 / 1024}'; done`,
    parse: (rows) => rows.map((f) => ({path: f[0], mount: f[1], freePercent: Number(f[2]), freeMb: Number(f[3])})),
  },
  memory: {
    tag: 'M',
    script: () => `awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {printf "M\\t%s\\t%s\\n", t, a}' /proc/meminfo`,
    parse: (rows) => last(rows, (f) => ({totalKb: Number(f[0]), availableKb: Number(f[1])}), null),
  },
  certificate: {
    tag: 'C',
    script: () =>
      [
        `if [ -f ${CERT_FILE} ]; then`,
        `  printf 'C\\t%s\\t%s\\n' "$(openssl x509 -in ${CERT_FILE} -noout -enddate | cut -d= -f2)" "$([ "$(openssl x509 -in ${CERT_FILE} -noout -pubkey | sha256sum)" = "$(openssl pkey -in ${KEY_FILE} -pubout 2>/dev/null | sha256sum)" ] && echo 1 || echo 0)"`,
        'else echo "C\tabsent"; fi',
      ].join('\n'),
    parse: (rows) => last(rows, (f) => (f[0] === 'absent' ? {present: false} : {present: true, notAfter: new Date(f[0]), keyMatches: f[1] === '1'}), {present: false}),
  },
  logrotate: {
    tag: 'L',
    script: () =>
      [
        `if ! command -v logrotate >/dev/null; then echo "L\tabsent"; elif [ ! -f ${LOGROTATE_FILE} ]; then echo "L\tnofile"; else`,
        `  out=$(logrotate -d ${LOGROTATE_FILE} 2>&1); rc=$?`,
        `  printf 'L\t%s\t%s\t%s\t%s\n' "$rc" "$(printf '%s\n' "$out" | grep -m1 -E '^error|unknown option')" "$(grep -c /var/log/postfix.log ${LOGROTATE_FILE})" "$(awk '$1 == "rotate" {print $2; exit}' ${LOGROTATE_FILE})"; fi`,
      ].join('\n'),
    parse: (rows) =>
      last(
        rows,
        (f) => (f[0] === 'absent' || f[0] === 'nofile' ? {state: f[0]} : {state: 'present' as const, exitCode: Number(f[0]), error: f[1] || undefined, coversPostfix: Number(f[2]) > 0, rotate: f[3] ? Number(f[3]) : undefined}),
        undefined,
      ),
  },
  firewall: {
    tag: 'R',
    script: () => {
      const list = `nft -s -t list table ${FIREWALL_TABLE}`
      return [
        'if [ ! -d /run/systemd/system ]; then echo "R\tno-systemd"',
        'elif ! command -v nft >/dev/null; then echo "R\tno-nft"',
        `elif [ ! -f ${FIREWALL_FILE} ]; then echo "R\tnofile"`,
        'else',
        '  d=$(mktemp -d)',
        `  if ! ${list} > "$d/live" 2>/dev/null; then echo "R\tunloaded"`,
        `  elif ! unshare -n sh -c ${shellQuote(`nft -f ${FIREWALL_FILE} && ${list}`)} > "$d/want" 2> "$d/err"; then printf 'R\tinvalid\t0\t%s\n' "$(head -n 1 "$d/err" | tr '\t' ' ')"`,
        `  elif cmp -s "$d/live" "$d/want"; then printf 'R\tmatch\t%s\n' "$(grep -c . "$d/live")"`,
        // What the kernel lacks (-) or has besides (+), against what the file loads: the first few lines.
        `  else printf 'R\tdiffer\t%s\t%s\n' "$(grep -c . "$d/live")" "$(diff "$d/want" "$d/live" | sed -n 's/^< */- /p; s/^> */+ /p' | head -n 4 | tr '\t\n' '  ')"; fi`,
        '  rm -rf "$d"',
        'fi',
      ].join('\n')
    },
    parse: (rows) => last(rows, (f) => ({state: f[0] as NonNullable<HostFacts['firewall']>['state'], ...(f[1] ? {lines: Number(f[1])} : {}), ...(f[2] ? {detail: f[2].trim()} : {})}), undefined),
  },
  tlsPublic: {
    tag: 'X',
    script: () => `[ -f ${CERT_FILE} ] && printf 'X\\t%s\\n' "$(openssl x509 -in ${CERT_FILE} -noout -pubkey | openssl pkey -pubin -outform DER 2>/dev/null | base64 -w0)"`,
    parse: (rows) => last(rows, (f) => f[0] || undefined, undefined),
  },
  renewalTimer: {
    tag: 'T',
    script: () =>
      [
        `if [ -d /run/systemd/system ] && systemctl cat ${RENEWAL_TIMER} >/dev/null 2>&1; then`,
        `  printf 'T\\t%s\\t%s\\t%s\\n' "$(systemctl is-enabled ${RENEWAL_TIMER} 2>/dev/null)" "$(systemctl is-active ${RENEWAL_TIMER} 2>/dev/null)" "$(date -d "$(systemctl show ${RENEWAL_TIMER} -p NextElapseUSecRealtime --value 2>/dev/null)" +@%s 2>/dev/null)"`,
        'else echo "T\tabsent"; fi',
      ].join('\n'),
    parse: (rows) =>
      last(
        rows,
        (f) => (f[0] === 'absent' ? {state: 'absent' as const} : {state: 'present' as const, enabled: f[0] === 'enabled', active: f[1] === 'active', ...(/^@\d+$/.test(f[2] ?? '') ? {next: new Date(Number(f[2].slice(1)) * 1000)} : {})}),
        {state: 'absent' as const},
      ),
  },
  replication: {
    tag: 'V',
    script: () =>
      [
        `printf 'V\tnow\t%s\n' "$(date +%s.%N)"`,
        `for f in ${REPLICATION_STATE_DIR}/*.json; do [ -f "$f" ] && printf 'V\tpeer\t%s\n' "$(head -c 4096 "$f" | tr -d '\t\n')"; done`,
      ].join('\n'),
    parse: (rows) => ({
      now: Number(rows.find((r) => r[0] === 'now')?.[1] ?? Number.NaN),
      peers: rows.filter((r) => r[0] === 'peer').flatMap((r) => {
        try {
          const state = JSON.parse(r[1]) as Partial<ReplicationState>
          return typeof state.peer === 'string' ? [{peer: state.peer, lastOk: typeof state.lastOk === 'number' ? state.lastOk : null, lastTry: Number(state.lastTry), error: String(state.error ?? '')}] : []
        } catch {
          return []
        }
      }),
    }),
  },
  dkimPublic: {
    tag: 'K',
    script: () => `[ -f ${DKIM_KEY_FILE} ] && printf 'K\\t%s\\n' "$(openssl rsa -in ${DKIM_KEY_FILE} -pubout -outform DER 2>/dev/null | base64 -w0)"`,
    parse: (rows) => last(rows, (f) => f[0] || undefined, undefined),
  },
  // Tabs inside a line (there are none in what mailops writes) come back as they were.
  // Postfix: every line of each queue id that logged the Message-ID (the rotated log first, so
  // the lines stay in time order); Dovecot and rspamd: the lines that name it. Fixed-string
  // matches, bounded per queue id and per log.
  mailTrail: {
    tag: 'W',
    script: (id) =>
      [
        `id=${shellQuote(id)}`,
        'for f in /var/log/postfix.log.1 /var/log/postfix.log; do',
        '  [ -f "$f" ] || continue',
        String.raw`  for q in $(grep -F -- "message-id=$id" "$f" | sed -n 's/^.*\]: \([0-9A-Za-z]\{5,\}\): message-id=.*/\1/p' | sort -u | head -n 50); do`,
        '    grep -F -- "]: $q: " "$f" | head -n 500 | sed "s/^/W\tpostfix\t/"',
        '  done',
        'done',
        '[ -f /var/log/dovecot.log ] && grep -F -- "msgid=$id" /var/log/dovecot.log | head -n 200 | sed "s/^/W\tdovecot\t/"',
        '[ -f /var/log/rspamd/rspamd.log ] && grep -F -- "$id" /var/log/rspamd/rspamd.log | head -n 200 | sed "s/^/W\trspamd\t/"',
      ].join('\n'),
    parse: (rows) => rows.map(([source, ...line]) => ({source: source as 'postfix' | 'dovecot' | 'rspamd', line: line.join('\t')})),
  },
  storedPlain: {
    tag: 'E',
    script: (text) =>
      [
        `for d in ${MAIL_TRACE_DIRS.join(' ')}; do [ -d "$d" ] && grep -rlF -- ${shellQuote(text)} "$d" 2>/dev/null | head -n 20 | sed "s/^/E\tfound\t/"; done`,
        `${maildirScan} | awk -F '\t' '{n++} $1 == "p" {p++; if (p <= 5) print "E\tplain\t" $2} END {printf "E\tcount\t%d\t%d\\n", n, p}'`,
      ].join('\n'),
    parse: (rows) => ({
      found: rows.filter((f) => f[0] === 'found').map((f) => f[1]),
      plainExamples: rows.filter((f) => f[0] === 'plain').map((f) => f[1]),
      ...last(
        rows.filter((f) => f[0] === 'count'),
        (f) => ({messages: Number(f[1]), plain: Number(f[2])}),
        {messages: 0, plain: 0},
      ),
    }),
  },
  plainMessages: {
    tag: 'Z',
    script: () => `${maildirScan} | awk -F '\t' '$1 == "p" {p++} END {printf "Z\t%d\\n", p}'`,
    parse: (rows) => last(rows, (f) => Number(f[0]), 0),
  },
  auditLog: {tag: 'A', script: () => `[ -f ${AUDIT_FILE} ] && sed 's/^/A\t/' ${AUDIT_FILE}`, parse: (rows) => rows.map((f) => f.join('\t'))},
}

/** The facts a run asks for: each with what its fragment needs (names), or true. */
export type FactRequest = {[K in keyof HostFacts]?: ArgOf<K>}
export type FactsOf<R extends FactRequest> = Pick<HostFacts, keyof R & keyof HostFacts>

const keysOf = <R extends FactRequest>(request: R) => Object.keys(request) as Array<keyof R & keyof HostFacts>

/** The facts' fragments composed into one script: one exec on the host answers them all. */
export function factsScript(request: FactRequest): string {
  const fragments = keysOf(request).map((key) => (FACTS[key].script as (arg: unknown) => string)(request[key]))
  return ['set -u', ...fragments, 'true'].join('\n')
}

/** Each fact's lines to its parser (a fact not asked for is not read, whatever the output says). */
export function parseFacts<R extends FactRequest>(request: R, output: string): FactsOf<R> {
  const rows = new Map<string, string[][]>()
  for (const line of output.split('\n')) {
    const [tag, ...fields] = line.split('\t')
    rows.set(tag, [...(rows.get(tag) ?? []), fields])
  }
  return Object.fromEntries(keysOf(request).map((key) => [key, FACTS[key].parse(rows.get(FACTS[key].tag) ?? [])])) as FactsOf<R>
}

/** Asks a host for the facts in one exec; a fragment that breaks the script is that host's PROBE_FAILED. */
export async function gatherFacts<R extends FactRequest>(connection: SshConnection, request: R, options: {timeoutMs?: number} = {}): Promise<FactsOf<R>> {
  const result = await connection.exec(factsScript(request), options)
  if (result.code !== 0) throw new HostError(connection.target.name, 'PROBE_FAILED', result.stderr.trim() || `exit ${result.code}`)
  return parseFacts(request, result.stdout)
}

/**
 * What deploy plans from: file hashes and modes, pending restarts, the services that do not answer
 * their ready command (a firewall flushed by hand, a daemon stopped), init, missing packages, OS.
 */
export const deployFacts = (files: readonly {path: string}[], packages: readonly string[], ready: ReadonlyArray<{name: string; ready: string}> = [], countPlain = false) =>
  ({files: files.map((f) => f.path), pending: true, unready: ready, init: true, missingPackages: packages, os: true, ...(countPlain ? {plainMessages: true as const} : {})}) satisfies FactRequest
/** plainMessages: counted only where the store is to be encrypted (the key pair is set). */
export type DeployFacts = Omit<FactsOf<ReturnType<typeof deployFacts>>, 'plainMessages'> & Partial<Pick<HostFacts, 'plainMessages'>>

/** deploy's probe script (kept as one name: the e2e tests run it by hand). */
export const probeScript = (files: readonly {path: string}[], packages: readonly string[]) => factsScript(deployFacts(files, packages))
export const parseProbe = (output: string): DeployFacts => parseFacts(deployFacts([], []), output)
