import {resolve} from 'node:path'

import type {Static} from '@sinclair/typebox'

import type {RouteApplyReport as RouteApplySchema} from '../config/schemas/route.js'
import {deploy, deployExit, type DeployOptions, type DeployReport} from '../deploy/deploy.js'
import {type ExitCodeValue, InputError} from '../errors.js'
import {loadInventory} from '../fleet/inventory.js'
import {t} from '../i18n/index.js'

/**
 * The blueprints that render a route plan - the core's transport_routes and main.cf, the edge's
 * route_clients and main.cf - and outbound, whose policy maps an egress edge's main.cf asks (an
 * edge deployed without them would defer every routed message: "client TLS configuration problem").
 */
export const ROUTE_BLUEPRINTS = ['core', 'edge', 'outbound']

/** `route apply --json` (schema route-apply-report): the plan, and the deploy's own report. */
export type RouteApplyReport = Omit<Static<typeof RouteApplySchema>, 'deploy'> & {deploy: DeployReport}

export interface RouteApplyRequest extends Omit<DeployOptions, 'inventory' | 'hosts' | 'blueprints'> {
  inventory: string
  /** The plan to apply: must be the one the inventory names (a later plain deploy renders that one). */
  plan?: string
}

/**
 * `mailops route apply`: the deploy of the plan the inventory names (vars.route_plan) to every
 * core and edge — canary, waves, rollback and --dry-run diffs as deploy has them. The plan is
 * read and checked with the inventory (its nodes must be the inventory's) before any connection.
 * Only ROUTE_BLUEPRINTS are deployed: the route files, and what sending through an edge needs.
 */
export async function applyRoutes(request: RouteApplyRequest): Promise<{report: RouteApplyReport; exit: ExitCodeValue}> {
  const inventory = loadInventory(request.inventory)
  const routes = inventory.routes
  if (routes === undefined) throw InputError.at(undefined, 'routeApply.noPlan', {file: request.inventory}, t('routeApply.noPlanHint'))
  if (request.plan !== undefined && resolve(request.plan) !== routes.file) {
    throw InputError.at(undefined, 'routeApply.otherPlan', {given: request.plan, named: routes.file}, t('routeApply.otherPlanHint', {named: routes.file}))
  }
  const {plan: _plan, inventory: _file, ...options} = request
  const report = await deploy({...options, inventory, hosts: inventory.hosts, blueprints: ROUTE_BLUEPRINTS})
  const {plan} = routes
  return {
    report: {plan: {file: routes.file, measuredAt: plan.measuredAt, matrixSha256: plan.matrixSha256, transport: plan.transport, relayFor: routes.relayFor}, deploy: report},
    exit: deployExit(report),
  }
}
