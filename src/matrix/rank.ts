import {loadOptional} from '../config/load.js'
import type {ScoreReport} from '../config/schemas/score.js'
import type {Regime} from './compliance.js'
import {feedProviders} from './feeds.js'
import {mergeProviders} from './providers.js'
import {scoreProviders} from './score.js'
import {resolveWeights} from './weights.js'

/** What `mailops score` is given: its files (each optional) and how to rank. */
export interface RankRequest {
  weightsFile?: string
  providersFile?: string
  latencyFile?: string
  tcoFile?: string
  method: ScoreReport['method']
  compliance: readonly Regime[]
  draws: number
}

/** The providers ranked: every file read and checked before anything is computed, measured latency and computed TCO over the catalog's values. */
export function rankProviders(request: RankRequest): ScoreReport {
  const weightsFile = loadOptional('weights', request.weightsFile)
  const providersFile = loadOptional('providers', request.providersFile)
  const latency = loadOptional('latency-report', request.latencyFile)
  const tco = loadOptional('tco-report', request.tcoFile)
  const weights = resolveWeights(weightsFile.data, weightsFile.source)
  const providers = mergeProviders(providersFile.data, providersFile.source)
  return scoreProviders(feedProviders(providers, latency.data, tco.data), weights, request.method, request.compliance, request.draws)
}
