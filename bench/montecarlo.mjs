// Monte Carlo weight sensitivity alone, in process: 10,000 Dirichlet draws of the dimension
// weights over the bundled catalog, scored by the weighted sum and by TOPSIS. Prints the time of
// the draws themselves (no start-up); bench/consultant.sh runs it under hyperfine as well.
import {INDICATORS} from '../dist/src/catalog/matrix.js'
import {DIMENSIONS} from '../dist/src/config/constants.js'
import {BUNDLED_PROVIDERS} from '../dist/src/catalog/providers.js'
import {monteCarlo} from '../dist/src/matrix/montecarlo.js'
import {prepareTopsis} from '../dist/src/matrix/topsis.js'
import {indicatorWeights, resolveWeights} from '../dist/src/matrix/weights.js'
import {prepareWeightedSum} from '../dist/src/matrix/wsm.js'

const weights = resolveWeights()
const matrix = {
  criteria: INDICATORS.map((i) => ({id: i.id, direction: i.direction})),
  values: BUNDLED_PROVIDERS.map((p) => INDICATORS.map((i) => p.values[i.id])),
}
const dimensions = DIMENSIONS.map((d) => weights.dimensions[d])
const expand = (w) => indicatorWeights(w, weights.shares)
const method = process.argv[2] ?? 'wsm'
const prepared = (method === 'topsis' ? prepareTopsis : prepareWeightedSum)(matrix)
const started = process.hrtime.bigint()
const result = monteCarlo(prepared, matrix.values.length, dimensions, expand, {draws: 10_000})
const ms = Number(process.hrtime.bigint() - started) / 1e6
console.log(JSON.stringify({method, draws: result.draws, ms: Math.round(ms * 10) / 10, pFirst: result.rankShare.map((r) => r[0])}))
