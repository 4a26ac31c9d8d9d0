import {createRequire} from 'node:module'

import type {Ajv2020 as Ajv2020Type, CodeOptions} from 'ajv/dist/2020.js'

// Loaded with require, on demand: a run whose inputs have precompiled validators (see
// scripts/gen-schemas.ts) never loads Ajv at all, which is ≈300 ms of `assess` on these machines.
const require = createRequire(import.meta.url)

/**
 * The one Ajv configuration: the validators compiled at build time and any compiled at run
 * time are the same code. Only the two formats our schemas use, from ajv-formats' format table:
 * its main module also loads ajv's draft-07 build for its limit keywords.
 */
export function createAjv(code?: CodeOptions): Ajv2020Type {
  const {Ajv2020} = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js')
  const {fullFormats} = require('ajv-formats/dist/formats.js') as typeof import('ajv-formats/dist/formats.js')
  return new Ajv2020({allErrors: true, verbose: true, useDefaults: true, strict: true, ...(code ? {code} : {})})
    .addFormat('date', fullFormats.date)
    .addFormat('date-time', fullFormats['date-time'])
}
