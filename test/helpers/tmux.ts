import {execFileSync} from 'node:child_process'

/** A terminal session in tmux on a socket of its own, to drive the real binary as a person would. */
export class Terminal {
  private readonly socket = `mailops-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`

  constructor(command: string, size = {cols: 160, rows: 50}) {
    this.tmux('new-session', '-d', '-s', 'main', '-x', String(size.cols), '-y', String(size.rows), command)
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], {encoding: 'utf8'})
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', 'main')
  }

  /** Keys as tmux names them: text, Enter, Down, Space, ... */
  send(...keys: string[]): void {
    this.tmux('send-keys', '-t', 'main', ...keys)
  }

  async waitFor(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const screen = this.screen()
      if (typeof text === 'string' ? screen.includes(text) : text.test(screen)) return screen
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}; screen:\n${screen}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Answers the prompt showing `prompt` with `keys`, once it is on screen. */
  async answer(prompt: string, ...keys: string[]): Promise<void> {
    await this.waitFor(prompt)
    this.send(...keys)
  }

  close(): void {
    try {
      this.tmux('kill-server')
    } catch {
      // Already gone with its last session.
    }
  }
}
