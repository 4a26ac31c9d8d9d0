/**
 * The root shell scripts backup and restore run on a core over SSH. Every value put into them is
 * checked first (an account name, a scratch folder of ours, an age recipient) and quoted.
 */
import {ACCOUNT_PATTERN} from '../config/schemas/backup.js'
import {shellQuote} from '../util/shell.js'

/**
 * What a backup carries besides the mail: every file the core and base blueprints deploy sits under
 * one of these (the TLS, DKIM and mail_crypt keys included: the archive is encrypted).
 */
export const CONFIG_PATHS = ['/etc/mailops', '/etc/dovecot', '/etc/postfix', '/etc/opendkim', '/etc/opendkim.conf', '/etc/default/opendkim', '/etc/nftables.conf', '/etc/logrotate.d/mailops', '/var/log/mailops/audit.jsonl']

/** Our scratch folders on a host, the only paths the cleanup and pack scripts accept. */
const SCRATCH = /^\/var\/tmp\/mailops-(backup|restore)\.[A-Za-z0-9]{8,}$/
const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$/
const ACCOUNT = new RegExp(ACCOUNT_PATTERN)

export const isScratch = (dir: string): boolean => SCRATCH.test(dir)
export const isRecipient = (recipient: string): boolean => RECIPIENT.test(recipient)

function accounts(users: readonly string[]): string {
  for (const u of users) if (!ACCOUNT.test(u)) throw new Error(`not an account name: ${JSON.stringify(u)}`)
  return users.map(shellQuote).join(' ')
}

function scratch(dir: string): string {
  if (!isScratch(dir)) throw new Error(`not a mailops scratch folder: ${JSON.stringify(dir)}`)
  return shellQuote(dir)
}

/**
 * Exports every account's mailboxes (doveadm backup, which reads them as Dovecot does: decrypted)
 * into a fresh scratch folder as plain maildirs, copies the deployed configuration beside them,
 * and lists SHA-256 of every message file. Output: `MAILOPS-EXPORT DIR VERSION`, a `config PATH`
 * line per path copied, then sha256sum's lines. The folder stays for packScript (or cleanupScript),
 * at most `keepSeconds`.
 *
 * The copy is written in plain text although the store may be encrypted (mail_crypt): age encrypts
 * the whole archive, and a copy encrypted to the source's key could not be read on any other core.
 * Dovecot 2.3 turns mail_crypt's writing off with plugin/mail_crypt_save_version=0, 2.4 with an
 * empty crypt_write_algorithm. Chosen by version: 2.3's doveconf -h exits 0 for a setting it does
 * not have, so asking it proves nothing.
 */
export function exportScript(users: readonly string[], withConfig: boolean, keepSeconds: number): string {
  if (!Number.isInteger(keepSeconds) || keepSeconds < 1) throw new Error(`not a number of seconds: ${keepSeconds}`)
  return [
    'set -u',
    'umask 077',
    'd=$(mktemp -d /var/tmp/mailops-backup.XXXXXXXX) || exit 1',
    // The plain copy outlives no run: if the controller is killed between export and pack, nobody
    // would remove it, so a detached watchdog does once the run's time is up.
    `setsid sh -c 'sleep ${keepSeconds}; rm -rf "$0"' "$d" </dev/null >/dev/null 2>&1 &`,
    // The mail user (doveadm drops to it) must reach its folder below ours; nothing else can list it.
    'chmod 711 "$d" && mkdir "$d/mail" "$d/config" && chmod 711 "$d/mail" || { rm -rf "$d"; exit 1; }',
    'version=$(dovecot --version | cut -d" " -f1)',
    'case "$version" in 2.3.*) plain="plugin/mail_crypt_save_version=0" ;; *) plain="crypt_write_algorithm=" ;; esac',
    'echo "MAILOPS-EXPORT $d $version"',
    `for u in ${accounts(users)}; do`,
    '  uid=$(doveadm user -f uid "$u" 2>/dev/null) && gid=$(doveadm user -f gid "$u" 2>/dev/null) || { echo "no account $u on this core" >&2; rm -rf "$d"; exit 1; }',
    '  mkdir "$d/mail/$u" && chown "$uid:$gid" "$d/mail/$u" || { rm -rf "$d"; exit 1; }',
    '  doveadm -o "$plain" backup -u "$u" "maildir:$d/mail/$u" </dev/null || { echo "doveadm backup of $u failed" >&2; rm -rf "$d"; exit 1; }',
    'done',
    // tar, not cp -a --parents: coreutils 9.1's fails on the lab's overlay file system.
    ...(withConfig ? [`for p in ${CONFIG_PATHS.map(shellQuote).join(' ')}; do`, '  if [ -e "$p" ]; then tar -c -C / "${p#/}" | tar -x -C "$d/config" || { echo "copying $p failed" >&2; rm -rf "$d"; exit 1; }; echo "config $p"; fi', 'done'] : []),
    'cd "$d/mail" || exit 1',
    'find . -type f \\( -path "*/cur/*" -o -path "*/new/*" \\) -exec sha256sum {} + || { echo "hashing the export failed" >&2; rm -rf "$d"; exit 1; }',
  ].join('\n')
}

/** What exportScript printed: its folder, Dovecot's version, the config paths copied, the hash listing. */
export function parseExport(stdout: string): {dir: string; dovecot: string; config: string[]; listing: string} {
  const lines = stdout.split('\n')
  const head = /^MAILOPS-EXPORT (\S+) (\S+)$/.exec(lines[0] ?? '')
  if (!head || !isScratch(head[1])) throw new Error(`unexpected export output: ${JSON.stringify((lines[0] ?? '').slice(0, 200))}`)
  const config = lines.filter((l) => l.startsWith('config ')).map((l) => l.slice('config '.length))
  const listing = lines.slice(1).filter((l) => !l.startsWith('config ')).join('\n')
  return {dir: head[1], dovecot: head[2], config, listing}
}

/**
 * Writes the manifest (stdin) beside the export and streams manifest, mail and configuration as
 * one tar, gzipped (mail is mostly text: about a third of its size, for little CPU), through age to stdout: encrypted on the core, the controller only ever holds ciphertext.
 * A tar that fails part-way still ends age's stream cleanly, so it is flagged in a file and the
 * exit status says so: the controller then throws the bytes away.
 */
export function packScript(dir: string, recipient: string): string {
  if (!isRecipient(recipient)) throw new Error(`not an age recipient: ${JSON.stringify(recipient)}`)
  const d = scratch(dir)
  return [
    'set -u',
    'umask 077',
    `d=${d}`,
    'cat > "$d/manifest.json" || { rm -rf "$d"; exit 1; }',
    'cd "$d" || exit 1',
    `{ tar -cz --numeric-owner manifest.json mail config || : > "$d/tar-failed"; } | age -r ${shellQuote(recipient)} || { echo "age failed" >&2; rm -rf "$d"; exit 1; }`,
    'if [ -e "$d/tar-failed" ]; then echo "tar failed" >&2; rm -rf "$d"; exit 1; fi',
    'rm -rf "$d"',
  ].join('\n')
}

export function cleanupScript(dir: string): string {
  return `rm -rf ${scratch(dir)}`
}

/**
 * Before a restore: whether each account exists on the scratch host and how much mail it holds,
 * and the free space where restoreScript unpacks (/var/tmp) and where the mail goes (the first
 * known account's home, or the nearest folder of it that exists).
 * Output: `account USER known|unknown MESSAGES` a line, then `space TMP_KIB HOME_KIB SAME HOME` (SAME
 * 1 when both are one filesystem).
 */
export function targetScript(users: readonly string[]): string {
  return [
    'home=',
    `for u in ${accounts(users)}; do`,
    '  if doveadm user "$u" >/dev/null 2>&1; then',
    '    n=$(doveadm mailbox status -u "$u" messages "*" 2>/dev/null | sed -n "s/.*messages=\\([0-9]*\\).*/\\1/p" | awk "{s+=\\$1} END {print s+0}")',
    '    echo "account $u known $n"',
    '    [ -n "$home" ] || home=$(doveadm user -f home "$u" 2>/dev/null)',
    '  else echo "account $u unknown 0"; fi',
    'done',
    'while [ -n "$home" ] && [ ! -e "$home" ]; do home=$(dirname "$home"); done',
    '[ -n "$home" ] || home=/',
    'same=0; [ "$(stat -c %d /var/tmp)" = "$(stat -c %d "$home")" ] && same=1',
    'echo "space $(df -Pk /var/tmp | awk "NR == 2 {print \\$4}") $(df -Pk "$home" | awk "NR == 2 {print \\$4}") $same $home"',
  ].join('\n')
}

export function parseTarget(stdout: string): Array<{user: string; known: boolean; messages: number}> {
  return stdout
    .split('\n')
    .map((l) => /^account (\S+) (known|unknown) (\d+)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({user: m[1], known: m[2] === 'known', messages: Number(m[3])}))
}

/** targetScript's free space, in bytes; undefined when the line is missing (the probe failed). */
export function parseTargetSpace(stdout: string): {tmpFree: number; homeFree: number; sameFilesystem: boolean; home: string} | undefined {
  const m = /^space (\d+) (\d+) ([01]) (\/.*)$/m.exec(stdout)
  return m ? {tmpFree: Number(m[1]) * 1024, homeFree: Number(m[2]) * 1024, sameFilesystem: m[3] === '1', home: m[4]} : undefined
}

/**
 * Restores the archive's mail (the decrypted archive, a gzipped tar, on stdin) into each account on this host:
 * `doveadm backup -R` makes the account's mailboxes identical to the archive's, written as this
 * host's own configuration says: encrypted to its key where mail_crypt is on. Not hard-linked:
 * Dovecot links a maildir file it copies, which keeps the archive's plain text at rest. Ownership and modes
 * come from here, never from the archive.
 */
export function restoreScript(users: readonly string[]): string {
  return [
    'set -u',
    'umask 077',
    'd=$(mktemp -d /var/tmp/mailops-restore.XXXXXXXX) || exit 1',
    'chmod 711 "$d"',
    'tar -xz --no-same-owner --no-same-permissions -C "$d" mail || { echo "tar failed" >&2; rm -rf "$d"; exit 1; }',
    // The controller checked what its tar made of this stream; this core's tar may be another version.
    'if [ -n "$(find "$d/mail" \\( ! -type f ! -type d \\) -o \\( -type f -links +1 \\) | head -1)" ]; then echo "the archive holds a link, device, pipe or hard link in mail/" >&2; rm -rf "$d"; exit 1; fi',
    'chmod 711 "$d/mail"',
    `for u in ${accounts(users)}; do`,
    '  uid=$(doveadm user -f uid "$u" 2>/dev/null) && gid=$(doveadm user -f gid "$u" 2>/dev/null) || { echo "no account $u on this core" >&2; rm -rf "$d"; exit 1; }',
    '  [ -d "$d/mail/$u" ] || { echo "the archive has no mail folder for $u" >&2; rm -rf "$d"; exit 1; }',
    '  chown -R "$uid:$gid" "$d/mail/$u" || { rm -rf "$d"; exit 1; }',
    '  doveadm -o maildir_copy_with_hardlinks=no backup -R -u "$u" "maildir:$d/mail/$u" </dev/null || { echo "doveadm backup -R of $u failed" >&2; rm -rf "$d"; exit 1; }',
    'done',
    'rm -rf "$d"',
  ].join('\n')
}
