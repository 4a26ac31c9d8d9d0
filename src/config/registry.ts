import generated from './schemas.generated.json' with {type: 'json'}
import type {Answers, AnswersFile} from './schemas/answers.js'
import type {Blueprint} from './schemas/blueprint.js'
import type {Inventory} from './schemas/inventory.js'
import type {LatencyReport} from './schemas/latency.js'
import type {PlanFile} from './schemas/plan.js'
import type {RoutePlan} from './schemas/route.js'
import type {Provider, ProvidersFile} from './schemas/providers.js'
import type {TargetsFile} from './schemas/targets.js'
import type {TcoReport, TcoScenario} from './schemas/tco.js'
import type {WeightsFile} from './schemas/weights.js'

/** The TypeScript type of the data each schema validates (derived from the TypeBox source). */
export interface SchemaTypes {
  answers: AnswersFile
  blueprint: Blueprint
  'answers-complete': Answers
  weights: WeightsFile
  providers: ProvidersFile
  provider: Provider
  'tco-scenario': TcoScenario
  'tco-report': TcoReport
  plan: PlanFile
  'latency-report': LatencyReport
  'route-plan': RoutePlan
  targets: TargetsFile
  inventory: Inventory
}
export type SchemaName = keyof typeof generated

export interface SchemaEntry {
  kind: 'input' | 'output' | 'internal'
  description: string
  schema: Record<string, unknown>
}

/** Every schema, as plain JSON Schema 2020-12 (no schema library is loaded at run time). */
export const SCHEMA_REGISTRY = generated as Record<SchemaName, SchemaEntry>

export function schemaOf(name: SchemaName): Record<string, unknown> {
  return SCHEMA_REGISTRY[name].schema
}
