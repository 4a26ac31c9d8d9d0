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

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function useColour(): boolean {
  return Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
}

/** Boxed by cli-table3; colour only on a terminal. */
function table(head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  const colour = useColour()
  const t = new Table({
    head,
    ...(align ? {colAligns: align} : {}),
    style: {compact: true, head: colour ? ['bold'] : [], border: colour ? ['grey'] : []},
  })
  t.push(...rows.map((row) => row.map(String)))
  return t.toString()
}

function markdownTable(head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  // A cell is one line: a newline would end the row, a pipe would split it.
  const cell = (value: Cell) => String(value).replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll(/\r?\n/g, '<br>')
  const rule = head.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'))
  return [head, rule, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n')
}
