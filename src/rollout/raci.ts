/** The first rule a RACI assignment breaks, or undefined: exactly one A, at least one R, known roles. */
export function raciDefect(
  raci: Record<string, string>,
  roles: ReadonlySet<string>,
): {kind: 'unknownRole'; role: string} | {kind: 'accountable'; count: number} | {kind: 'responsible'} | undefined {
  const unknown = Object.keys(raci).find((role) => !roles.has(role))
  if (unknown) return {kind: 'unknownRole', role: unknown}
  const accountable = Object.values(raci).filter((letters) => letters.includes('A')).length
  if (accountable !== 1) return {kind: 'accountable', count: accountable}
  if (!Object.values(raci).some((letters) => letters.includes('R'))) return {kind: 'responsible'}
  return undefined
}
