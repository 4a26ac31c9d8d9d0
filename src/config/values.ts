import {InputError} from '../errors.js'
import {parseAmount, parseShare} from '../util/units.js'

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
