import Table from 'cli-table3'

export type TableFormat = 'table' | 'md'

/** A section title: a Markdown heading in md, plain text on a terminal. */
export function heading(format: TableFormat, text: string): string {
  return format === 'md' ? `## ${text}` : text
}
type Cell = string | number

/** A table in the chosen form: boxed for a terminal, or GitHub Markdown. */
export function tabular(format: TableFormat, head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  return format === 'md' ? markdownTable(head, rows, align) : table(head, rows, align)
}

/** Boxed by cli-table3; colour only on a terminal. */
function table(head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  const t = new Table({
    head,
    ...(align ? {colAligns: align} : {}),
    style: {compact: true, head: process.stdout.isTTY ? ['bold'] : [], border: process.stdout.isTTY ? ['grey'] : []},
  })
  t.push(...rows.map((row) => row.map(String)))
  return t.toString()
}

function markdownTable(head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  const cell = (value: Cell) => String(value).replaceAll('|', '\\|')
  const rule = head.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'))
  return [head, rule, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n')
}
