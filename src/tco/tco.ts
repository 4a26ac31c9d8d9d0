import {loadInput, loadOptional} from '../config/load.js'
import type {TcoReport, TcoScenario} from '../config/schemas/tco.js'
import {currencyCode, positiveAmount} from '../config/values.js'
import {mergeProviders} from '../matrix/providers.js'
import {assignDefined} from '../util/object.js'
import {tcoReport} from './report.js'

/** What `mailops tco` is given: a scenario and a providers file, and the flags laid over the scenario (amounts as typed). */
export interface TcoRequest {
  scenarioFile?: string
  providersFile?: string
  revenue?: string
  currency?: string
  fxRate?: string
  seats?: number
  years?: number
  industry?: TcoScenario['industry']
  migrateFrom?: TcoScenario['migrateFrom']
}

/** Budget and multi-year TCO per provider: every file read and checked, then the flags over the scenario, then the costs. */
export function costProviders(request: TcoRequest): TcoReport {
  const scenario = loadInput('tco-scenario', request.scenarioFile)
  const providersFile = loadOptional('providers', request.providersFile)
  const providers = mergeProviders(providersFile.data, providersFile.source)
  assignDefined(scenario.data, {
    revenue: request.revenue === undefined ? undefined : positiveAmount('--revenue', request.revenue),
    seats: request.seats,
    years: request.years,
    industry: request.industry,
    migrateFrom: request.migrateFrom,
  })
  // --currency and --fx-rate are checked like the file's own keys.
  if (request.currency !== undefined) scenario.data.currency = currencyCode(request.currency)
  if (request.fxRate !== undefined) scenario.data.fxRates = {...scenario.data.fxRates, USD: positiveAmount('--fx-rate', request.fxRate)}
  return tcoReport(scenario.data, providers, scenario.source)
}
