/** sh single-quoting: the value stays one literal word whatever it holds ($(), ;, quotes, newlines). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`
}
