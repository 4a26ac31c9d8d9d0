import type {TSchema} from '@sinclair/typebox'
import {expect} from 'vitest'

import {schemaErrors} from '../../src/config/validate.js'

/** Asserts that data is valid under a schema, showing ajv's complaints when not. */
export function expectValid(schema: TSchema, data: unknown): void {
  expect(schemaErrors(schema, data)).toEqual([])
}
