import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'

import {loadInput, loadOptional} from '../config/load.js'
import type {RoutePlan} from '../config/schemas/route.js'
import {InputError} from '../errors.js'
import {firstCore, loadInventory} from '../fleet/inventory.js'
import {TRANSPORT_DOMAIN} from '../fleet/routes.js'
import {t} from '../i18n/index.js'
import {destinationRows, planRoutes, type RouteSettings} from './plan.js'

export interface RoutePlanRequest {
  inventory: string
  /** A `mailops latency -i INVENTORY --json` report: the node × destination matrix. */
  matrix: string
  /** The plan deployed now (a previous `route plan --json`). */
  current?: string
  settings: RouteSettings
  /** A matrix older than this is warned about, not refused: the operator may mean it. */
  maxAgeHours: number
  now?: Date
}

/** `mailops route plan`: reads the inventory, the matrix and the current plan, all checked before planning. */
export function planRouteFiles(request: RoutePlanRequest): RoutePlan {
  const inventory = loadInventory(request.inventory)
  if (!firstCore(inventory.hosts)) throw InputError.at(undefined, 'route.noCore', {file: request.inventory})
  const {data: matrix, source} = loadInput('latency-report', request.matrix)
  const nodes = inventory.hosts.map((h) => ({name: h.name, role: h.role, address: h.address}))
  const names = new Set(nodes.map((n) => n.name))
  if (!matrix.targets.some((r) => r.from !== undefined && names.has(r.from))) {
    throw InputError.at(undefined, 'route.noNodeRows', {file: request.matrix, nodes: [...names].join(', ')}, t('route.noNodeRowsHint'))
  }
  const destinations = new Set(destinationRows(nodes, matrix.targets))
  for (const [i, row] of matrix.targets.entries()) {
    if (destinations.has(row) && !TRANSPORT_DOMAIN.test(row.id)) {
      throw InputError.at(source?.locate(['targets', i, 'id']), 'route.badDestination', {id: row.id})
    }
  }
  const current = loadOptional('route-plan', request.current).data
  const plan = planRoutes({
    nodes,
    rows: matrix.targets,
    measuredAt: matrix.measuredAt,
    matrixSha256: createHash('sha256').update(readFileSync(request.matrix)).digest('hex'),
    current,
    settings: request.settings,
  })
  const ageHours = ((request.now ?? new Date()).getTime() - Date.parse(matrix.measuredAt)) / 3_600_000
  if (ageHours > request.maxAgeHours) plan.warnings.push(t('route.stale', {hours: Math.floor(ageHours), measuredAt: matrix.measuredAt}))
  return plan
}
