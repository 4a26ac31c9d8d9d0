/** Copies the keys of each source whose value is defined onto target, later sources winning. */
export function assignDefined<T extends object>(target: T, ...sources: Array<Partial<T> | undefined>): T {
  for (const source of sources) {
    for (const [key, value] of Object.entries(source ?? {})) if (value !== undefined) Object.assign(target, {[key]: value})
  }
  return target
}
