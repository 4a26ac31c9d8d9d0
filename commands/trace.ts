import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../src/command.js'
import {type TraceReport, traceMessage} from '../src/trace/trace.js'
import {renderTrace} from '../src/ui/trace.js'

export default class Trace extends MailopsCommand {
  static summary = "Follow one message through every node's logs: reception, filtering, relays with their delays, delivery into the mailbox."

  static description =
    "Reads, over SSH, each node's Postfix log (every line of each queue id that logged the Message-ID, that queue id's life only), Dovecot's (the LMTP delivery) and rspamd's, and orders them into one timeline. Postfix stamps whole seconds; each relay's delays are shown in ms (Postfix logs them in steps of 10 ms); Dovecot's stamps are to the microsecond. Exit 0 when the message was found, 1 when no node logged it, 3 when a node could not be reached."

  static examples = [
    {description: 'Where did this message go?', command: "<%= config.bin %> <%= command.id %> -i inventory.yaml '<20261201.1234@example.com>'"},
    {description: 'As data, from the edges only', command: "<%= config.bin %> <%= command.id %> -i inventory.yaml '<20261201.1234@example.com>' --hosts mx1,mx2 --json"},
  ]

  static args = {
    'message-id': Args.string({required: true, description: "The Message-ID header's value, with or without its angle brackets."}),
  }

  static flags = {
    inventory: Flags.string({char: 'i', required: true, summary: 'Inventory file.'}),
    hosts: Flags.string({summary: 'Comma-separated host names (default: all).'}),
    'accept-new': Flags.boolean({summary: 'Record the host key of a host not in known_hosts yet.'}),
    'connect-timeout': Flags.integer({default: 10, min: 1, summary: 'Seconds to wait for each SSH handshake.'}),
  }

  async run(): Promise<TraceReport> {
    const {args, flags} = await this.parse(Trace)
    const {report, exit} = await traceMessage({
      inventory: flags.inventory,
      messageId: args['message-id'],
      hosts: flags.hosts?.split(',').filter(Boolean),
      acceptNew: flags['accept-new'],
      connectTimeoutMs: flags['connect-timeout'] * 1000,
    })
    this.log(renderTrace(report))
    process.exitCode = exit
    return report
  }
}
