import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'

import {outputFile} from './config/values.js'
import {ExitCode, toMailopsError} from './errors.js'
import {type Lang, LANGS, setLang, t} from './i18n/index.js'
import {printWarnings, renderError} from './ui/errors.js'
import {progressReporter} from './ui/progress.js'
import {writeFileAtomic} from './util/fs.js'

/**
 * The base of every mailops command: --json, --lang, --no-prompt, and the one place where
 * an error becomes output and an exit code.
 */
export abstract class MailopsCommand extends Command {
  static enableJsonFlag = true

  static baseFlags = {
    lang: Flags.option({
      options: LANGS,
      default: 'en' as Lang,
      env: 'MAILOPS_LANG',
      helpGroup: 'GLOBAL',
      summary: 'Language of human-facing output.',
    })(),
    prompt: Flags.boolean({
      allowNo: true,
      default: true,
      helpGroup: 'GLOBAL',
      summary: 'Ask for missing answers (never without a TTY; --no-prompt fails instead, naming the flag).',
    }),
  }

  public async init(): Promise<void> {
    await super.init()
    // Language must be known before parsing, so that flag errors are already translated.
    setLang(langFromArgv(this.argv) ?? (LANGS.find((l) => l === process.env.MAILOPS_LANG) ?? 'en'))
  }

  /** Whether a prompt may be shown: a terminal on stdin and no --no-prompt. */
  protected canPrompt(flags: {prompt: boolean}): boolean {
    return flags.prompt && Boolean(process.stdin.isTTY) && !this.jsonEnabled()
  }

  /** Progress lines on stderr (elapsed time first); none when `enabled` is false. */
  protected progress(enabled = true): (message: string) => void {
    return progressReporter(enabled)
  }

  /** Warnings on stderr, each after the word for "warning" in the user's language. */
  protected warnings(warnings: readonly string[]): void {
    printWarnings(warnings)
  }

  /** An -o path checked before any work: a missing folder or a folder named as the file is exit 2, and nothing was computed for nothing. */
  protected checkOutputFile(flag: string, path: string | undefined): void {
    if (path !== undefined) outputFile(flag, path)
  }

  /**
   * The command's human output: into `file` (atomically) when given, else on stdout — nothing
   * there under --json. `raw` output (CSV, iCalendar) is written as it is, the rest as lines
   * without trailing blank ones.
   */
  protected emit(text: string, to: {file?: string; raw?: boolean}): void {
    if (to.file !== undefined) writeFileAtomic(to.file, text)
    else if (to.raw) {
      if (!this.jsonEnabled()) process.stdout.write(text)
    } else this.log(text.trimEnd())
  }

  /**
   * An old spelling of a flag (kept so that scripts keep working) warns in the user's language
   * and names the spelling to use; `--out=x` is caught as well as `--out x`.
   */
  protected warnIfFlagDeprecated(flags: Record<string, unknown>): void {
    const defs: Record<string, {char?: string; aliases?: string[]; charAliases?: string[]; deprecateAliases?: boolean}> = this.ctor.flags ?? {}
    for (const name of Object.keys(flags)) {
      const def = defs[name]
      if (!def?.deprecateAliases) continue
      const spellings = [...(def.aliases ?? []).map((a) => `--${a}`), ...(def.charAliases ?? []).map((c) => `-${c}`)]
      const used = spellings.filter((spelling) => this.argv.some((arg) => arg === spelling || arg.startsWith(`${spelling}=`)))
      const to = def.char ? `--${name} (-${def.char})` : `--${name}`
      printWarnings(used.map((alias) => t('flags.oldSpelling', {alias, flag: to})))
    }
  }

  protected async catch(error: Error & {oclif?: {exit?: number}}): Promise<unknown> {
    // --help and --version end by throwing an exit(0).
    if (error.oclif?.exit === 0) return
    const failure = toMailopsError(error)
    process.exitCode = failure.exit
    if (this.jsonEnabled()) {
      this.logJson({error: failure.toJSON()})
    } else {
      process.stderr.write(renderError(failure) + '\n')
    }
    if (failure.exit === ExitCode.internal && process.env.DEBUG) process.stderr.write(`${error.stack}\n`)
  }
}

function langFromArgv(argv: string[]): Lang | undefined {
  for (const [i, arg] of argv.entries()) {
    const value = arg === '--lang' ? argv[i + 1] : arg.startsWith('--lang=') ? arg.slice(7) : undefined
    const lang = LANGS.find((l) => l === value)
    if (lang) return lang
  }
  return undefined
}
