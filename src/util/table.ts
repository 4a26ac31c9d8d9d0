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

/** Every boxed table fits this many terminal columns: wider ones wrap their cells at word breaks. */
export const TABLE_WIDTH = 100

/** Boxed by cli-table3; colour only on a terminal; at most TABLE_WIDTH columns wide. */
function table(head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  const colour = useColour()
  const cells = rows.map((row) => row.map(String))
  const fit = columnWidths([head, ...cells], TABLE_WIDTH)
  const t = new Table({
    head,
    ...(align ? {colAligns: align} : {}),
    // Past the last word break, wrap inside words rather than cut them off with an ellipsis.
    ...(fit ? {colWidths: fit.widths, wordWrap: true, wrapOnWordBoundary: !fit.insideWords} : {}),
    style: {compact: true, head: colour ? ['bold'] : [], border: colour ? ['grey'] : []},
  })
  t.push(...cells)
  return t.toString()
}

/**
 * Column widths (padding included) that fit `limit` with the borders, or undefined when the
 * table fits as it is. The widest column gives up a character at a time, but none below its
 * longest word while another can still give, so numbers and words stay whole; titles wrap.
 */
export function columnWidths(rows: string[][], limit: number): {widths: number[]; insideWords: boolean} | undefined {
  const count = Math.max(...rows.map((r) => r.length))
  const natural = Array.from({length: count}, (_, j) => Math.max(...rows.map((r) => Math.max(...(r[j] ?? '').split('\n').map(displayWidth)))) + 2)
  const longestWord = (cells: string[][], j: number) => Math.max(3, ...cells.flatMap((r) => (r[j] ?? '').split(/\s+/).map(displayWidth))) + 2
  const [title, ...body] = rows
  // First the titles wrap (every value still on one line), then the values at word breaks,
  // then, for a table that still does not fit, text inside its words.
  const oneLine = Array.from({length: count}, (_, j) => Math.max(longestWord([title], j), ...body.map((r) => displayWidth(r[j] ?? '') + 2)))
  const floors = [
    oneLine,
    Array.from({length: count}, (_, j) => longestWord(rows, j)),
    // Numbers (no letters in any value) are never broken; text wraps inside its words.
    Array.from({length: count}, (_, j) => (body.every((r) => !/\p{L}/u.test(r[j] ?? '')) ? oneLine[j] : 4)),
  ]
  const borders = count + 1
  const total = () => widths.reduce((a, b) => a + b, 0) + borders
  const widths = [...natural]
  if (total() <= limit) return undefined
  let deepest = 0
  while (total() > limit) {
    const stage = floors.findIndex((f) => widths.some((w, j) => w > f[j]))
    if (stage < 0) break
    deepest = Math.max(deepest, stage)
    const floor = floors[stage]
    const pool = widths.map((w, j) => (w > floor[j] ? j : -1)).filter((j) => j >= 0)
    const widest = pool.reduce((a, b) => (widths[b] > widths[a] ? b : a))
    widths[widest]--
  }
  return {widths, insideWords: deepest === floors.length - 1}
}

/** Terminal columns a string takes: East Asian wide characters take two, colour codes none. */
export function displayWidth(text: string): number {
  let width = 0
  for (const ch of text.replaceAll(/\u001b\[[0-9;]*m/g, '')) {
    width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1
  }
  return width
}

function markdownTable(head: string[], rows: Cell[][], align?: Array<'left' | 'right'>): string {
  // A cell is one line: a newline would end the row, a pipe would split it.
  const cell = (value: Cell) => String(value).replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll(/\r?\n/g, '<br>')
  const rule = head.map((_, i) => (align?.[i] === 'right' ? '---:' : '---'))
  return [head, rule, ...rows.map((r) => r.map(cell))].map((r) => `| ${r.join(' | ')} |`).join('\n')
}
