const SUFFIX: Record<string, number> = {k: 1e3, m: 1e6, mn: 1e6, b: 1e9, bn: 1e9}

/**
 * An amount as people write it: 120000000, 120,000,000, 120 000 000, 120M, 1.5k, 2bn.
 * Undefined when it is not one (or is not finite).
 */
export function parseAmount(text: string): number | undefined {
  const match = /^([+-]?(?:\d+(?:[,\s_]\d{3})*|\d*)(?:\.\d+)?(?:e[+-]?\d+)?)\s*([a-z]*)$/i.exec(text.trim())
  if (!match || match[1] === '' || match[1] === '.') return undefined
  const factor = match[2] === '' ? 1 : SUFFIX[match[2].toLowerCase()]
  if (factor === undefined) return undefined
  const value = Number(match[1].replaceAll(/[,\s_]/g, '')) * factor
  return Number.isFinite(value) ? value : undefined
}

/**
 * A share: "10%" is 0.1 and so is "0.1". A bare number beyond ±1 is refused ('ambiguous'):
 * 5 could mean 5 % or 500 %, and guessing either silently misleads.
 */
export function parseShare(text: string): number | 'ambiguous' | undefined {
  const trimmed = text.trim()
  if (trimmed.endsWith('%')) {
    const value = parseAmount(trimmed.slice(0, -1))
    return value === undefined ? undefined : value / 100
  }
  const value = parseAmount(trimmed)
  if (value === undefined) return undefined
  return Math.abs(value) > 1 ? 'ambiguous' : value
}

const DURATION_UNIT_MS: Record<string, number> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}

/**
 * A duration in milliseconds: 200ms, 1.5s, 2m, 26h, 7d (a backup's --max-age); a bare number is seconds (as every --timeout
 * of mailops reads it). Undefined when it is not one.
 */
export function parseDurationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h|d)?$/i.exec(text.trim())
  if (!match) return undefined
  const value = Number(match[1]) * DURATION_UNIT_MS[(match[2] ?? 's').toLowerCase()]
  return Number.isFinite(value) ? value : undefined
}
