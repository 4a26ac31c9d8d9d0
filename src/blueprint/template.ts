import Handlebars from 'handlebars'

import {InputError} from '../errors.js'

/**
 * Templates are Handlebars: {{name}}, {{#each list}}…{{this}} or {{field}}…{{/each}} (the
 * blueprint's variables as {{@root.name}} inside a list), {{#if name}}…{{/if}}. Handlebars
 * renders in one pass over the template: a value is inserted as it is and never read again as a
 * template, so `{{tls_key}}` in a mailbox name stays those eleven characters. No HTML escaping
 * (these are config files), no helpers beyond each/if, a variable the blueprint lacks is an
 * error (strict), and standalone block lines keep their line breaks (what a config file reads).
 * Chosen over a home-made renderer because its parser is the well-tested one that already
 * separates template from data; mustache would do too, but needs lambdas for #if on a value.
 */
const OPTIONS: CompileOptions = {
  noEscape: true,
  strict: true,
  knownHelpers: {each: true, if: true},
  knownHelpersOnly: true,
  ignoreStandalone: true,
}

type CompileOptions = Parameters<typeof Handlebars.compile>[1]

const compiled = new Map<string, Handlebars.TemplateDelegate>()

export function renderTemplate(template: string, vars: Record<string, unknown>, name = 'template'): string {
  let render = compiled.get(template)
  if (!render) {
    try {
      Handlebars.parse(template)
    } catch (error) {
      throw InputError.at(undefined, 'blueprint.badTemplate', {template: name, reason: firstLine(error)})
    }
    render = Handlebars.compile(template, OPTIONS)
    compiled.set(template, render)
  }
  try {
    return render(vars)
  } catch (error) {
    const missing = /^"([^"]+)" not defined/.exec(firstLine(error))
    if (missing) throw InputError.at(undefined, 'blueprint.unknownVariable', {template: name, name: missing[1]})
    throw InputError.at(undefined, 'blueprint.badTemplate', {template: name, reason: firstLine(error)})
  }
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]
}
