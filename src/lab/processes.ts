import {existsSync, readFileSync, readlinkSync, statSync} from 'node:fs'

/** The network namespace inode of a process, or undefined when it is gone. */
function netnsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`)
  } catch {
    return undefined
  }
}

/** Whether a process lives in the named network namespace (so it belongs to that lab host). */
export function inNetns(pid: number, netns: string): boolean {
  const path = `/run/netns/${netns}`
  if (!existsSync(path)) return false
  return netnsOf(pid) === `net:[${statSync(path).ino}]`
}

export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // A zombie has exited; only its parent's wait is missing.
    return !/^\d+ \(.*\) Z /.test(stat)
  } catch {
    return false
  }
}

export async function waitGone(pids: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs
  let left = pids.filter(alive)
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
    left = left.filter(alive)
  }
  return left
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/** When a process started (clock ticks since boot, /proc/PID/stat field 22), or undefined when it is gone: a PID with another start is another process. */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}
