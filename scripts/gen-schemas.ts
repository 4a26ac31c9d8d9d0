// Writes src/config/schemas.generated.json from the TypeBox definitions (npm run schemas).
import {writeFileSync} from 'node:fs'

import {generatedSchemas} from '../src/config/schemas/index.js'

writeFileSync(new URL('../src/config/schemas.generated.json', import.meta.url), generatedSchemas())
