/** Calendar dates as UTC midnight; ISO YYYY-MM-DD at the edges. */

export function parseIsoDate(text: string): Date {
  return new Date(`${text}T00:00:00Z`)
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** Adds whole months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: Date, months: number): Date {
  const year = date.getUTCFullYear()
  const month = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)))
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000)
}

/** The first day of the month after `now`: the default plan start. */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1))
}

/** A real calendar date written YYYY-MM-DD (2027-02-30 is not). */
export function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(parseIsoDate(text).getTime()) && isoDate(parseIsoDate(text)) === text
}
