/** Enumerations and defaults that both the schemas and the engine need, free of schema code. */

export const PROBES = ['icmp', 'tcp', 'smtp'] as const
export const ZONES = ['apac', 'europe', 'americas'] as const
export type Zone = (typeof ZONES)[number]
export const VARIANTS = ['cross-border', 'enterprise'] as const
export const INDUSTRIES = ['fmcg', 'manufacturing', 'other'] as const
export const BUDGET_CATEGORIES = ['infrastructure', 'integration', 'training', 'riskReserve', 'operations'] as const

/** The source material's split of the transformation fund. */
export const DEFAULT_SPLIT = {infrastructure: 0.3, integration: 0.25, training: 0.2, riskReserve: 0.15, operations: 0.1}

/** Annual revenue of the default company (the scenario every command runs on bare). */
export const DEFAULT_REVENUE = 50_000_000

export const COMPLIANCE = ['gdpr', 'ccpa', 'hipaa', 'pipl', 'mlps', 'iso27001', 'soc2'] as const
export const CURRENT_SYSTEMS = ['exchange-onprem', 'm365', 'google-workspace', 'self-hosted', 'other', 'none'] as const

/** The random-consistency-index tables AHP can judge a consistency ratio against (src/matrix/ahp.ts). */
export const RANDOM_INDEX_TABLES = ['saaty', 'alonso-lamata'] as const
export type RandomIndexTable = (typeof RANDOM_INDEX_TABLES)[number]

/** The order the assessment's answers are asked in, and listed in a saved answers file (each a key of Answers: src/assess/answers.ts indexes them by these). */
export const ANSWER_KEYS = [
  'company', 'industry', 'currency', 'revenue', 'seats', 'seatGrowth', 'zones', 'compliance',
  'currentSystem', 'candidates', 'billing', 'years', 'start', 'variant',
] as const
export type AnswerKey = (typeof ANSWER_KEYS)[number]

/** The selection matrix's five dimensions (seed 000, section 4.1); src/catalog/matrix.ts names and weights them. */
export const DIMENSIONS = ['coverage', 'network', 'security', 'extensibility', 'cost'] as const
export type DimensionId = (typeof DIMENSIONS)[number]

/** The matrix's 20 indicators, 4 per dimension, in the catalog's order (src/catalog/matrix.ts describes each; a unit test keeps the two in step). */
export const INDICATOR_IDS = [
  'coverage.pops', 'coverage.countries', 'coverage.zones', 'coverage.residency',
  'network.latency', 'network.loss', 'network.delivery', 'network.sla',
  'security.certifications', 'security.privacy', 'security.encryption', 'security.threat',
  'extensibility.apis', 'extensibility.protocols', 'extensibility.integrations', 'extensibility.migration',
  'cost.tco', 'cost.storage', 'cost.onboarding', 'cost.flexibility',
] as const
export type IndicatorId = (typeof INDICATOR_IDS)[number]
