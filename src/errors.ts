import {t, type MessageKey} from './i18n/index.js'

/** Process exit codes; documented in the README and stable across releases. */
export const ExitCode = {
  ok: 0,
  checksFailed: 1,
  badInput: 2,
  unreachable: 3,
  internal: 70,
  /** Interrupted by the user (Ctrl-C): 128 + SIGINT, as a shell reports it. */
  interrupted: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** Where in an input file a problem is: 1-based line and column. */
export interface SourceLocation {
  file: string
  line: number
  col: number
  /** JSON Pointer into the document, e.g. /weights/network */
  path: string
}

export interface Problem {
  message: string
  location?: SourceLocation
}

interface ErrorOptions {
  code: string
  exit: ExitCodeValue
  hint?: string
  problems?: Problem[]
}

/**
 * Every failure mailops reports on purpose. The base command turns one of these into
 * output and an exit code; nothing else decides how an error looks.
 */
export class MailopsError extends Error {
  readonly code: string
  readonly exit: ExitCodeValue
  readonly hint?: string
  readonly problems: Problem[]

  constructor(message: string, options: ErrorOptions) {
    super(message)
    this.name = 'MailopsError'
    this.code = options.code
    this.exit = options.exit
    this.hint = options.hint
    this.problems = options.problems ?? []
  }

  toJSON() {
    return {
      code: this.code,
      exit: this.exit,
      message: this.message,
      ...(this.hint === undefined ? {} : {hint: this.hint}),
      problems: this.problems,
    }
  }
}

/** Bad input: a flag, a file, a value. Raised before any host or file is touched. */
export class InputError extends MailopsError {
  constructor(message: string, options: {code?: string; hint?: string; problems?: Problem[]} = {}) {
    super(message, {code: options.code ?? 'INPUT_INVALID', exit: ExitCode.badInput, ...options})
    this.name = 'InputError'
  }

  /** An input error whose message comes from the catalog, at one place in a file. */
  static at(location: SourceLocation | undefined, key: MessageKey, params: Record<string, string | number> = {}, hint?: string) {
    const message = t(key, params)
    return new InputError(location ? `${formatLocation(location)}: ${message}` : message, {
      hint,
      problems: [{message, location}],
    })
  }
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`
}

interface OclifLikeError {
  message?: string
  oclif?: {exit?: number}
  code?: string
}

/** oclif's parse errors that users meet most, in the user's language (the rest as oclif words them). */
const USAGE_FORMS: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^Nonexistent flags?: (\S+)$/, (m) => t('usage.nonexistentFlag', {flag: m[1]})],
  [/^Expected (--[\w-]+)=(.*) to be one of: (.+)$/, (m) => t('usage.notOneOf', {flag: m[1], value: m[2], valid: m[3]})],
  [/^Parsing (--[\w-]+): Expected an integer but received: (.*)$/, (m) => t('usage.notInteger', {flag: m[1], value: m[2]})],
  [/^Flag (--[\w-]+) expects one of these values: (.+)$/, (m) => t('usage.needsValue', {flag: m[1], valid: m[2]})],
  [/^Unexpected arguments?: (.+)$/, (m) => t('usage.unexpectedArgument', {arg: m[1]})],
]

function usageInLanguage(text: string): string {
  for (const [form, say] of USAGE_FORMS) {
    const match = text.match(form)
    if (match) return say(match)
  }
  return text
}

/** Maps anything thrown into a MailopsError: oclif's own parse errors are bad input. */
export function toMailopsError(error: unknown): MailopsError {
  if (error instanceof MailopsError) return error
  const e = (error ?? {}) as OclifLikeError
  const message = e.message ?? String(error)
  if (e.oclif?.exit === 2 || /^(Unexpected argument|Expected|Missing required flag|Nonexistent flag|Parsing --)/m.test(message)) {
    // oclif puts the reason on the lines after "Parsing --flag"; its "See more help" is the hint.
    const text = message.split('\n').map((line) => line.trim()).filter((line) => line && !/^See more help with --help$/.test(line)).join(': ')
    return new InputError(usageInLanguage(text), {code: 'USAGE', hint: t('hint.seeHelp')})
  }
  return new MailopsError(message, {code: 'INTERNAL', exit: ExitCode.internal, hint: t('hint.internal')})
}
