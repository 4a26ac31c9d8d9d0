import type {LatencyReport} from '../config/schemas/latency.js'
import type {Provider} from '../config/schemas/providers.js'
import type {TcoReport} from '../config/schemas/tco.js'
import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {sum} from '../util/number.js'

export type ValueSource = 'measured' | 'tco'

export interface FedProvider {
  provider: Provider
  /** Where each replaced indicator's value came from; absent means the catalog. */
  sources: Record<string, ValueSource>
}

/**
 * A provider's network quality from measurements of its cloud: in each zone the best region
 * (lowest median), then the mean over zones, so a provider is judged where users are.
 */
export function networkFromLatency(cloud: string, report: LatencyReport, markets?: readonly string[]): {latency: number; loss: number} | undefined {
  const bestByZone = new Map<string, {p50: number; loss: number}>()
  for (const target of report.targets) {
    if (target.cloud !== cloud || target.stats.p50 === null) continue
    // Only the markets the company serves count: a fast region elsewhere helps nobody.
    if (markets && !(target.zone && markets.includes(target.zone))) continue
    const zone = target.zone ?? 'unzoned'
    const best = bestByZone.get(zone)
    if (!best || target.stats.p50 < best.p50) bestByZone.set(zone, {p50: target.stats.p50, loss: target.stats.loss})
  }
  if (bestByZone.size === 0) return undefined
  const zones = [...bestByZone.values()]
  return {latency: sum(zones.map((z) => z.p50)) / zones.length, loss: sum(zones.map((z) => z.loss)) / zones.length}
}

/**
 * Replaces catalog values with measured latency and computed TCO where they exist. A TCO report
 * must cost every provider scored: its figures (one scenario, one currency) cannot be compared
 * with catalog values computed for another scenario in USD.
 */
export function feedProviders(providers: readonly Provider[], latency?: LatencyReport, tco?: TcoReport, zones?: readonly string[]): FedProvider[] {
  const uncosted = tco ? providers.filter((p) => !tco.providers.some((c) => c.id === p.id)).map((p) => p.id) : []
  if (tco && uncosted.length > 0) {
    throw InputError.at(undefined, 'score.tcoPartial', {missing: uncosted.join(', '), currency: tco.currency, costed: tco.providers.map((p) => p.id).join(', ')}, t('hint.tcoPartial'))
  }
  return providers.map((original) => {
    const provider = structuredClone(original)
    const sources: Record<string, ValueSource> = {}
    const measured = latency && provider.cloud ? networkFromLatency(provider.cloud, latency, zones) : undefined
    if (measured) {
      provider.values['network.latency'] = measured.latency
      provider.values['network.loss'] = measured.loss
      sources['network.latency'] = 'measured'
      sources['network.loss'] = 'measured'
    }
    const costed = tco?.providers.find((p) => p.id === provider.id)
    if (costed) {
      provider.values['cost.tco'] = costed.perSeatYear
      sources['cost.tco'] = 'tco'
    }
    return {provider, sources}
  })
}
