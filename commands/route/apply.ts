import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import {applyRoutes, type RouteApplyReport} from '../../src/route/apply.js'
import {rolloutFlags, rolloutOptions} from '../../src/rollout-flags.js'
import {renderRouteApply} from '../../src/ui/route.js'

export default class RouteApplyCommand extends MailopsCommand {
  static summary = 'Deploy the route plan the inventory names to its cores and edges (canary, rollback, --dry-run diff).'

  static description =
    "The inventory names the plan (vars.route_plan: a `mailops route plan -o FILE` file, relative to the inventory), so every later `mailops deploy` renders the same routes: route apply is the deploy of it, through the deploy engine (canary first, then waves, each file validated, a failed validation or restart puts the previous files back). Each core gets the plan's transport(5) lines in /etc/postfix/transport_routes (main.cf transport_maps): per destination domain the egress edge, then the fallback, which Postfix tries in order. Each edge a route leaves through lets those cores relay (mynetworks, so postscreen lets them in) without its milter, rspamd (/etc/postfix/route_clients); anyone else is still refused relaying. A plan whose cores, egresses or nexthops are not the inventory's, or whose lines are not a domain and a nexthop list, is refused at its line before any connection. Only the core, edge and outbound blueprints are deployed (outbound: the TLS policy maps an egress edge sends with). Check it afterwards with `mailops verify --only route.transport,route.egress`."

  static examples = [
    {description: 'See the transport and relay changes on every core and edge', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --dry-run'},
    {description: 'Plan, then apply (the inventory has vars.route_plan: routes.json)', command: '<%= config.bin %> route plan -i inventory.yaml --matrix matrix.json --current routes.json -o routes.json && <%= config.bin %> <%= command.id %> -i inventory.yaml'},
    {description: 'Two hosts alone first, as data', command: '<%= config.bin %> <%= command.id %> -i inventory.yaml --canary 2 --json'},
  ]

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file: its vars.route_plan names the plan.'}),
    plan: Flags.string({summary: 'The plan to apply; must be the file vars.route_plan names (a later deploy renders that one).'}),
    ...rolloutFlags,
  }

  async run(): Promise<RouteApplyReport> {
    const {flags} = await this.parse(RouteApplyCommand)
    const {report, exit} = await applyRoutes({root: this.config.root, inventory: flags.inventory, plan: flags.plan, ...rolloutOptions(flags)})
    this.log(renderRouteApply(report))
    process.exitCode = exit
    return report
  }
}
