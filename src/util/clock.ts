/**
 * The current time, or SOURCE_DATE_EPOCH (seconds) when set, so that generated files such as
 * calendars are reproducible (https://reproducible-builds.org/specs/source-date-epoch/).
 */
export function now(): Date {
  const epoch = process.env.SOURCE_DATE_EPOCH
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000) : new Date()
}
