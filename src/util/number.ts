export function round(x: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
