import type {COMPLIANCE} from '../config/constants.js'
import type {Provider} from '../config/schemas/providers.js'
import {t} from '../i18n/index.js'
import {local} from '../i18n/text.js'

export type Regime = (typeof COMPLIANCE)[number]

export interface RegimeFinding {
  regime: Regime
  status: 'gap' | 'no' | 'unknown'
  reason: string
}

/**
 * How a provider stands on each required regime, from its dated catalog data: what it cannot
 * meet ("no": it is not ranked) and what it meets only with extra work or is not known
 * ("gap", "unknown": ranked, flagged).
 */
export function complianceFindings(provider: Provider, required: readonly Regime[]): RegimeFinding[] {
  return required.flatMap((regime): RegimeFinding[] => {
    const standing = provider.compliance?.regimes[regime]
    if (!standing) return [{regime, status: 'unknown', reason: t('compliance.unknown')}]
    if (standing.status === 'yes') return []
    return [{regime, status: standing.status, reason: standing.reason ? local(standing.reason) : ''}]
  })
}
