import {Type} from '@sinclair/typebox'

import {Strict} from './common.js'

/** What every command prints under --json when it fails (exit code ≠ 0). */
export const ErrorReport = Strict({
  error: Strict({
    code: Type.String({description: 'stable machine-readable code, e.g. INPUT_INVALID, USAGE, ANSWER_MISSING, CONNECT_TIMEOUT, HOST_KEY_MISMATCH, INTERNAL'}),
    exit: Type.Integer({description: 'the process exit code'}),
    message: Type.String(),
    hint: Type.Optional(Type.String()),
    problems: Type.Array(
      Strict({
        message: Type.String(),
        location: Type.Optional(
          Strict({
            file: Type.String(),
            line: Type.Integer({minimum: 1}),
            col: Type.Integer({minimum: 1}),
            path: Type.String({description: 'JSON Pointer of the value in the file'}),
          }),
        ),
      }),
    ),
  }),
})
