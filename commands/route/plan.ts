import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import type {RoutePlan} from '../../src/config/schemas/route.js'
import {planRouteFiles} from '../../src/route/route.js'
import {renderRoutePlan} from '../../src/ui/route.js'

export default class RoutePlanCommand extends MailopsCommand {
  static summary = 'Choose, per destination domain, the node outbound mail leaves from, by measured network quality.'

  static description =
    "Reads a node × destination matrix (a `mailops latency -i INVENTORY --json` report whose target ids are recipient domains) and picks, for each core and destination, the cheapest egress — the core itself (direct) or an edge the core relays through — and the next cheapest as its fallback. A path costs its expected delivery time: median and a quarter of the tail over the round trips of a delivery, plus what its loss costs in retransmissions (docs/routing.md). The current egress (--current, the plan deployed now) is kept unless the best path beats it by both --hysteresis and --min-gain, so small differences do not flap. Prints the Postfix transport(5) entries of each core as a diff against the current plan. The same matrix gives the same plan."

  static examples = [
    {description: 'Measure from every node, then plan', command: '<%= config.bin %> latency -i inventory.yaml --targets targets.yaml --json -o matrix.json && <%= config.bin %> <%= command.id %> -i inventory.yaml --matrix matrix.json -o routes.json'},
    {description: 'Re-plan against the plan deployed now: only changes past the hysteresis', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --matrix matrix.json --current routes.json'},
    {description: 'As data', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --matrix matrix.json --json'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file: its cores and edges are the egress candidates.'}),
    matrix: Flags.string({required: true, summary: 'The matrix: a latency report measured from the nodes (mailops latency -i … --json).'}),
    current: Flags.string({summary: 'The plan deployed now (a route plan --json file): kept within the hysteresis.'}),
    hysteresis: Flags.integer({default: 20, min: 0, max: 100, summary: 'Percent of the current path’s cost the best path must save to replace it.'}),
    'min-gain': Flags.integer({default: 20, min: 0, summary: 'Milliseconds the best path must save to replace the current one.'}),
    'max-age': Flags.integer({default: 24, min: 1, summary: 'Hours after which the matrix is warned about as stale.'}),
    output: Flags.string({char: 'o', summary: 'Write the plan as JSON to this file (atomically), for a later --current.'}),
  }

  async run(): Promise<RoutePlan> {
    const {flags} = await this.parse(RoutePlanCommand)
    this.checkOutputFile('--output', flags.output)
    const plan = planRouteFiles({
      inventory: flags.inventory,
      matrix: flags.matrix,
      current: flags.current,
      settings: {hysteresisPercent: flags.hysteresis, minGainMs: flags['min-gain']},
      maxAgeHours: flags['max-age'],
    })
    if (flags.output !== undefined) this.emit(`${JSON.stringify(plan, null, 2)}\n`, {file: flags.output})
    this.log(renderRoutePlan(plan))
    this.warnings(plan.warnings)
    return plan
  }
}
