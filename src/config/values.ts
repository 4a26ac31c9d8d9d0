import {existsSync, statSync} from 'node:fs'
import {dirname, resolve} from 'node:path'

import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {parseAmount, parseDurationMs, parseShare} from '../util/units.js'

/** A flag's amount (120M, 1.5k, 7.2), checked: a clear error instead of NaN. */
export function positiveAmount(flag: string, text: string): number {
  const value = parseAmount(text)
  if (value === undefined) throw InputError.at(undefined, 'input.notNumber', {flag, value: text})
  if (value <= 0) throw InputError.at(undefined, 'input.notPositive', {flag, value: text})
  return value
}

/** A flag's share (10% or 0.1), checked; a bare 5 is refused rather than read as 500 %. */
export function shareValue(flag: string, text: string): number {
  const value = parseShare(text)
  if (value === undefined) throw InputError.at(undefined, 'input.notShare', {flag, value: text})
  if (value === 'ambiguous') {
    const bare = Number(text.trim())
    throw InputError.at(undefined, 'input.ambiguousShare', {flag, value: text.trim(), percent: bare * 100, share: bare / 100})
  }
  return value
}

/** A flag's currency: an ISO 4217 code. */
export function currencyCode(text: string): string {
  if (!/^[A-Z]{3}$/.test(text)) throw InputError.at(undefined, 'tco.badCurrency', {value: text})
  return text
}

/**
 * A flag's duration in milliseconds (200ms, 1.5s; bare numbers are seconds), between 1 ms and
 * maxSeconds: a bare number above it is most likely an old script's milliseconds, refused loudly
 * rather than waited for.
 */
export function durationMs(flag: string, text: string, maxSeconds: number): number {
  const value = parseDurationMs(text)
  if (value === undefined) throw InputError.at(undefined, 'input.notDuration', {flag, value: text})
  if (value < 1 || value > maxSeconds * 1000) {
    throw InputError.at(undefined, 'input.durationRange', {flag, value: text, max: maxSeconds}, t('input.durationHint', {value: text.trim()}))
  }
  return value
}

/** An output file's path, checked before any work: its folder exists and it is not a folder. */
export function outputFile(flag: string, path: string): string {
  const folder = dirname(resolve(path))
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw InputError.at(undefined, 'output.noFolder', {flag, path, folder})
  if (existsSync(path) && statSync(path).isDirectory()) throw InputError.at(undefined, 'output.isFolder', {flag, path})
  return path
}

/** An output folder's path, checked before any work: it is a folder or can become one. */
export function outputFolder(flag: string, path: string): string {
  if (existsSync(path) && !statSync(path).isDirectory()) throw InputError.at(undefined, 'output.isFile', {flag, path})
  let parent = dirname(resolve(path))
  while (!existsSync(parent)) parent = dirname(parent)
  if (!statSync(parent).isDirectory()) throw InputError.at(undefined, 'output.isFile', {flag, path: parent})
  return path
}
