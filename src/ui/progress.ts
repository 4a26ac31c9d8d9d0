/**
 * Progress lines on stderr, so stdout stays clean for --json and pipes. Prefixed with the
 * elapsed time so that a slow step shows itself.
 */
export function progressReporter(enabled = true): (message: string) => void {
  const started = Date.now()
  return (message) => {
    if (enabled) process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${message}\n`)
  }
}
