import {InputError} from '../errors.js'

/**
 * Templates are text with {{name}} placeholders, {{#each list}}…{{.}} or {{.field}}…{{/each}} and
 * {{#if name}}…{{/if}}. Values are inserted as they are: a template is data written to a file,
 * never a script, so nothing in a value is ever interpreted.
 */
export function renderTemplate(template: string, vars: Record<string, unknown>, name = 'template'): string {
  const block = /\{\{#(each|if) (\w+)\}\}([\s\S]*?)\{\{\/\1\}\}/g
  const expanded = template.replaceAll(block, (_, kind: string, key: string, body: string) => {
    const value = lookup(vars, key, name)
    if (kind === 'if') return value ? body : ''
    if (!Array.isArray(value)) throw InputError.at(undefined, 'blueprint.notList', {template: name, name: key})
    return value
      .map((item) => body.replaceAll(/\{\{\.(\w*)\}\}/g, (_m, field: string) => String(field ? (item as Record<string, unknown>)[field] : item)))
      .join('')
  })
  return expanded.replaceAll(/\{\{(\w+)\}\}/g, (_, key: string) => String(lookup(vars, key, name)))
}

function lookup(vars: Record<string, unknown>, key: string, template: string): unknown {
  if (!(key in vars)) throw InputError.at(undefined, 'blueprint.unknownVariable', {template, name: key})
  return vars[key]
}
