import type {Answers} from './answers.js'
import type {LatencyReport} from './latency.js'
import type {PlanReport} from './plan.js'
import type {ScoreReport} from './score.js'
import type {TcoReport} from './tco.js'

/** What an assessment works out from the answers: what assess computes and the report renders. */
export interface Assessment {
  answers: Answers
  latency?: LatencyReport
  tco: TcoReport
  score: ScoreReport
  plan: PlanReport
}
