import {execFileSync, spawnSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {sendBundle} from '../../src/ssh/bundle.js'
import {SshConnection} from '../../src/ssh/connection.js'
import type {SshTarget} from '../../src/ssh/connection.js'
import {parseKnownHosts} from '../../src/ssh/known-hosts.js'
import {SshPool} from '../../src/ssh/pool.js'
import {knownHostsCopy, readText, sharedLab} from '../helpers/lab.js'

const lab = sharedLab()
const [node1, node2, node3, node4] = lab.hosts
const opened: SshConnection[] = []
const open = async (target: SshTarget, options: Partial<Parameters<typeof SshConnection.open>[1]> = {}) => {
  const connection = await SshConnection.open(target, {knownHosts: lab.knownHosts, connectTimeoutMs: 5000, ...options})
  opened.push(connection)
  return connection
}
const tempDir = () => mkdtempSync(join(tmpdir(), 'mailops-ssh-'))

afterAll(() => {
  for (const connection of opened) connection.close()
})

describe('SSH engine against real OpenSSH lab hosts', () => {
  it('reaches every host in parallel, one connection per host reused for every command', async () => {
    const pool = new SshPool({knownHosts: lab.knownHosts})
    try {
      const first = await pool.each(lab.hosts, (c) => c.exec('hostname; echo $SSH_CONNECTION'))
      const second = await pool.each(lab.hosts, (c) => c.exec('echo $SSH_CONNECTION'))
      expect(first.map((r) => r.ok && r.value.stdout.split('\n')[0])).toEqual(['node1', 'node2', 'node3', 'node4'])
      for (const [i, result] of first.entries()) {
        const again = second[i]
        if (!result.ok || !again.ok) throw new Error('host failed')
        // Same client port: the same TCP connection carried both commands.
        expect(again.value.stdout.trim()).toBe(result.value.stdout.split('\n')[1])
      }
    } finally {
      await pool.close()
    }
  })

  it('streams stdin, keeps stdout and stderr apart and returns the exit code', async () => {
    const c = await open(node1)
    const result = await c.exec('cat; echo oops >&2; exit 3', {stdin: 'hello\nworld\n'})
    expect(result).toMatchObject({code: 3, stdout: 'hello\nworld\n', stderr: 'oops\n'})
  })

  it('never runs more than 8 commands at once on one connection (sshd allows 10)', async () => {
    const c = await open(node1)
    const slot = 'd=$(mktemp -d /tmp/slot.XXXXXX); n=$(ls -d /tmp/slot.* | wc -l); sleep 0.3; rmdir "$d"; echo $n'
    const results = await Promise.all(Array.from({length: 20}, () => c.exec(slot)))
    expect(results.every((r) => r.code === 0)).toBe(true)
    const peak = Math.max(...results.map((r) => Number(r.stdout)))
    expect(peak).toBe(8)
  })

  it('carries many small files in one exec, with their modes and bytes intact', async () => {
    const c = await open(node2)
    const files = Array.from({length: 200}, (_, i) => ({
      path: `/srv/bundle/dir${i % 7}/file-${i}.conf`,
      content: `# file ${i}\nkey = "value; $(not run) \`no\`"\n${randomBytes(i).toString('hex')}\n`,
      mode: i % 2 === 0 ? 0o640 : 0o600,
    }))
    await sendBundle(c, files)
    const listing = await c.exec("cd / && find srv/bundle -type f -printf '%p %m\\n' | sort && cat $(find srv/bundle -type f | sort) | sha256sum")
    const expectedListing = files
      .map((f) => `${f.path.slice(1)} ${f.mode.toString(8)}`)
      .sort()
      .join('\n')
    const lines = listing.stdout.trim().split('\n')
    expect(lines.slice(0, -1).join('\n')).toBe(expectedListing)
    const sortedContent = [...files].sort((a, b) => (a.path.slice(1) < b.path.slice(1) ? -1 : 1)).map((f) => f.content).join('')
    expect(lines.at(-1)!.split(' ')[0]).toBe(createHash('sha256').update(sortedContent).digest('hex'))
  })

  it('uploads a large blob over SFTP', async () => {
    const c = await open(node2)
    const path = join(tempDir(), 'blob.bin')
    const blob = randomBytes(5 * 1024 * 1024)
    writeFileSync(path, blob)
    await c.putFile(path, '/tmp/blob.bin')
    const remote = await c.exec('sha256sum /tmp/blob.bin')
    expect(remote.stdout.split(' ')[0]).toBe(createHash('sha256').update(blob).digest('hex'))
  })

  it('refuses a changed host key, naming both fingerprints; the other hosts are unaffected', async () => {
    const knownHosts = knownHostsCopy()
    const other = join(tempDir(), 'impostor')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
    const impostorKey = readText(`${other}.pub`).split(' ').slice(0, 2).join(' ')
    const changed = readText(knownHosts)
      .split('\n')
      .map((line) => (line.startsWith(`${node2.address},`) ? `${node2.address} ${impostorKey}` : line))
      .join('\n')
    writeFileSync(knownHosts, changed)
    const pool = new SshPool({knownHosts})
    try {
      const results = await pool.each([node1, node2, node3], (c) => c.exec('hostname'))
      expect(results.map((r) => r.ok)).toEqual([true, false, true])
      const failed = results[1]
      if (failed.ok) throw new Error('expected a refusal')
      expect(failed.error.code).toBe('HOST_KEY_MISMATCH')
      expect(failed.error.exit).toBe(3)
      // The address is the lab's (MAILOPS_TEST_LAB moves it), not a fixed one.
      expect(failed.error.message).toMatch(new RegExp(`node2: HOST KEY MISMATCH for ${node2.address.replaceAll('.', '\\.')}: it presented SHA256:\\S+, known_hosts \\(.*:2\\) has SHA256:\\S+`))
      expect(failed.error.hint).toContain('remove line 2')
    } finally {
      await pool.close()
    }
  })

  it('refuses an unknown host unless --accept-new, which records the key hashed', async () => {
    const knownHosts = knownHostsCopy('')
    await expect(open(node3, {knownHosts})).rejects.toMatchObject({code: 'HOST_KEY_UNKNOWN', exit: 3})
    expect(readText(knownHosts)).toBe('')

    const accepted = await open(node3, {knownHosts, acceptNew: true})
    expect((await accepted.exec('hostname')).stdout).toBe('node3\n')
    const entries = parseKnownHosts(readText(knownHosts))
    expect(entries).toHaveLength(1)
    expect(entries[0].patterns).toMatch(/^\|1\|/)
    expect(readText(knownHosts)).not.toContain(node3.address)

    // Recorded: the next connection needs no --accept-new, and a different key is still refused.
    const again = await open(node3, {knownHosts})
    expect((await again.exec('hostname')).stdout).toBe('node3\n')
  })

  it('reports a dead host as unreachable after the connect timeout; the others finish', async () => {
    const dead: SshTarget = {name: 'ghost', address: '198.18.1.250', port: 22, user: 'root', keyPath: lab.key}
    const pool = new SshPool({knownHosts: lab.knownHosts, connectTimeoutMs: 2000})
    const started = Date.now()
    try {
      const results = await pool.each([node1, dead, node4], (c) => c.exec('hostname'))
      expect(results.map((r) => r.ok)).toEqual([true, false, true])
      const failed = results[1]
      if (failed.ok) throw new Error('expected a failure')
      expect(['CONNECT_TIMEOUT', 'CONNECT_FAILED']).toContain(failed.error.code)
      expect(failed.error.exit).toBe(3)
      expect(failed.error.message).toMatch(/^ghost: /)
      expect(Date.now() - started).toBeLessThan(8000)
    } finally {
      await pool.close()
    }
  })

  it('reaches a host through a jump host (forwardOut): the target sees the bastion as its client', async () => {
    const viaJump: SshTarget = {...node3, jump: node1}
    const c = await open(viaJump)
    const result = await c.exec('echo $SSH_CONNECTION')
    expect(result.stdout.split(' ')[0]).toBe(node1.address)
  })

  it('times a command out and keeps the connection usable', async () => {
    const c = await open(node4)
    await expect(c.exec('sleep 5', {timeoutMs: 300})).rejects.toMatchObject({code: 'COMMAND_TIMEOUT'})
    expect((await c.exec('echo alive')).stdout).toBe('alive\n')
  })

  describe('authentication', () => {
    const root = () => open(node4)

    it('logs in as a non-root user and runs commands through sudo -n', async () => {
      const admin = await root()
      await admin.exec(
        [
          // '*': no password, but not locked (sshd without PAM refuses locked accounts).
          "id ops >/dev/null 2>&1 || useradd -m -s /bin/bash -p '*' ops",
          'install -d -m 700 -o ops -g ops /home/ops/.ssh',
          'install -m 600 -o ops -g ops /root/.ssh/authorized_keys /home/ops/.ssh/authorized_keys',
          "echo 'ops ALL=(ALL) NOPASSWD: ALL' > /etc/sudoers.d/ops && chmod 440 /etc/sudoers.d/ops",
          "id nosudo >/dev/null 2>&1 || useradd -m -s /bin/bash -p '*' nosudo",
          'install -d -m 700 -o nosudo -g nosudo /home/nosudo/.ssh',
          'install -m 600 -o nosudo -g nosudo /root/.ssh/authorized_keys /home/nosudo/.ssh/authorized_keys',
        ].join(' && '),
      )
      const ops = await open({...node4, user: 'ops'})
      const result = await ops.exec('id -u; echo "$SUDO_USER"')
      expect(result).toMatchObject({code: 0, stdout: '0\nops\n'})
      // Without a sudo rule, sudo -n fails at once instead of waiting for a password.
      const nosudo = await open({...node4, user: 'nosudo'})
      const refused = await nosudo.exec('id -u', {timeoutMs: 5000})
      expect(refused.code).not.toBe(0)
      expect(refused.stderr).toMatch(/password is required|not in the sudoers|may not run sudo/)
    })

    it('uses a passphrase-protected key only with its passphrase', async () => {
      const dir = tempDir()
      const key = join(dir, 'id_locked')
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'correct horse', '-f', key])
      const admin = await root()
      await admin.exec('cat >> /root/.ssh/authorized_keys', {stdin: readFileSync(`${key}.pub`)})
      await expect(open({...node4, keyPath: key})).rejects.toMatchObject({code: 'INPUT_INVALID', hint: expect.stringContaining('MAILOPS_SSH_PASSPHRASE')})
      const c = await open({...node4, keyPath: key}, {passphrase: 'correct horse'})
      expect((await c.exec('hostname')).stdout).toBe('node4\n')
    })

    it('authenticates through ssh-agent', async () => {
      const dir = tempDir()
      const socket = join(dir, 'agent.sock')
      const agent = spawnSync('ssh-agent', ['-a', socket, '-s'], {encoding: 'utf8'})
      const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent.stdout)![1])
      try {
        execFileSync('ssh-add', [lab.key], {env: {...process.env, SSH_AUTH_SOCK: socket}, stdio: 'ignore'})
        const saved = process.env.SSH_AUTH_SOCK
        process.env.SSH_AUTH_SOCK = socket
        try {
          const c = await open({...node4, keyPath: undefined})
          expect((await c.exec('hostname')).stdout).toBe('node4\n')
        } finally {
          if (saved === undefined) delete process.env.SSH_AUTH_SOCK
          else process.env.SSH_AUTH_SOCK = saved
        }
      } finally {
        process.kill(pid)
      }
    })
  })
})
