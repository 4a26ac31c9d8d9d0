import type {RoutePlan} from '../config/schemas/route.js'
import type {RouteApplyReport} from '../route/apply.js'
import {t} from '../i18n/index.js'
import {tabular} from '../util/table.js'
import {renderDeploy} from './deploy.js'

const ms = (value: number | null) => (value === null ? '-' : value.toFixed(1))

/** One row per core and destination: the egress, its fallback, its cost and the candidates' costs; then the transport diff. */
export function renderRoutePlan(plan: RoutePlan): string {
  const egressName = (route: RoutePlan['routes'][number], egress: string | null) => (egress === null ? '-' : egress === route.core ? `${t('route.direct')} (${egress})` : egress)
  const table = tabular(
    'table',
    ['core', 'destination', 'egress', 'fallback', 'cost ms', 'candidates (ms)', 'change'],
    plan.routes.map((route) => {
      const change = plan.changes.find((c) => c.core === route.core && c.destination === route.destination)
      return [
        route.core,
        route.destination,
        egressName(route, route.egress),
        egressName(route, route.fallback?.egress ?? null),
        ms(route.cost),
        route.candidates.map((c) => `${c.egress} ${c.cost === null ? `✗ ${c.excluded}` : ms(c.cost)}`).join('\n'),
        change ? `${change.from ?? '-'} → ${change.to ?? '-'}` : route.kept ? t('route.kept') : '',
      ]
    }),
  )
  const summary = t('route.summary', {routes: plan.routes.length, cores: plan.transport.length, changes: plan.changes.length, measuredAt: plan.measuredAt})
  return [table, plan.diff === '' ? t('route.noChange') : plan.diff.trimEnd(), summary].join('\n')
}

/** The deploy of the plan (diffs, hosts), then what the plan routes: lines per core, cores per edge. */
export function renderRouteApply(report: RouteApplyReport): string {
  const {plan} = report
  const lines = plan.transport.reduce((n, c) => n + c.entries.length, 0)
  const edges = Object.entries(plan.relayFor).map(([edge, cores]) => `${edge} ← ${cores.join(', ')}`)
  return [renderDeploy(report.deploy), t('routeApply.summary', {file: plan.file, lines, cores: plan.transport.length, edges: edges.join('; ') || '-', measuredAt: plan.measuredAt})].join('\n')
}
