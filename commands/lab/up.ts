import * as Flags from '@oclif/core/flags'

import {MailopsCommand} from '../../src/command.js'
import {LAB_SYSTEMS, type LabSystem} from '../../src/lab/image.js'
import {LAB_TLS, type LabTls} from '../../src/lab/pki.js'
import {bringLabUp} from '../../src/lab/up.js'

export default class LabUp extends MailopsCommand {
  static summary = 'Start local test hosts: network namespaces with their own filesystem, sshd and host keys.'
  static description =
    'Each host is a network namespace on 198.18.0.0/15 behind a bridge (no default route), with cgroup limits and sshd with its own ed25519 host key. With --os debian13 or debian12 a host is a booted Debian system (systemd as PID 1 under systemd-nspawn) on an overlay of a minimal image built once per machine with mmdebstrap; nothing mail-related is installed, and apt reaches the Debian mirror only through the lab\'s proxy on the bridge. The default is --os debian13 (the current stable). With --os controller (the light host, e.g. for scale tests) a host is an overlay over the controller\'s own / with sshd under tini and no init system. Writes an inventory and a pinned known_hosts for the hosts. Needs root; installs the Debian packages it needs. Cleans up whatever a crashed earlier run of the same lab left.'

  static examples = [
    {description: 'Three booted bare Debian 13 hosts on 198.18.0.0/24', command: '<%= config.bin %> <%= command.id %>'},
    {description: 'node2 80 ms away with 1% loss, like a far region', command: '<%= config.bin %> <%= command.id %> --delay node2=80,1%'},
    {description: 'A core 150 ms and 5% loss away from the edges of europe and americas, the edges 5 ms from each other', command: '<%= config.bin %> <%= command.id %> --os controller --link apac:europe=150,5% --link apac:americas=150,5% --link europe:americas=5'},
    {description: 'Two booted Debian 12 hosts', command: '<%= config.bin %> <%= command.id %> --os debian12 --hosts 2'},
    {description: "A core and an edge whose certificates come from the lab's ACME server (Pebble) by HTTP-01, renewed on the nodes", command: '<%= config.bin %> <%= command.id %> --hosts 2 --tls acme'},
    {description: 'Two cores in two regions 80 ms apart, replicating, each with an edge beside it', command: '<%= config.bin %> <%= command.id %> --os controller --hosts 4 --cores 2 --region node3=apac --region node4=europe --link apac:europe=80'},
    {description: 'Ten hosts in a second lab', command: '<%= config.bin %> <%= command.id %> --name bench --hosts 10 --subnet 198.18.2.0/24'},
  ]

  static flags = {
    name: Flags.string({default: 'default', summary: 'Lab name (several labs can run side by side).'}),
    hosts: Flags.integer({default: 3, summary: 'Number of hosts: node1 is a core (the first --cores are), the others edges.'}),
    cores: Flags.integer({default: 1, min: 1, summary: 'How many of the hosts, from node1 on, are cores: two or more replicate their mailboxes to each other, and the edges fall back from one to the next (docs/resilience.md).'}),
    subnet: Flags.string({default: '198.18.0.0/24', summary: 'A /24 inside 198.18.0.0/15.'}),
    os: Flags.string({
      options: [...LAB_SYSTEMS], default: 'debian13',
      summary: "What hosts run: booted Debian 13 or 12 (bare, systemd), or the light host on the controller's own system.",
    }),
    tls: Flags.string({
      options: [...LAB_TLS], default: 'ca',
      summary: "Who issues the nodes' certificates: the lab's private CA (deploy hands them in) or the lab's ACME server, Pebble (deploy runs certbot on each node; booted hosts only).",
    }),
    // No delimiter: the comma belongs to the value (HOST=MS,LOSS%); repeat the flag for more hosts.
    delay: Flags.string({
      multiple: true, multipleNonGreedy: true,
      summary: 'Put a host behind an emulated link: HOST=MS or HOST=MS,LOSS% adds MS to its round trips and loses LOSS% of them; repeat for more hosts.',
    }),
    region: Flags.string({
      multiple: true, multipleNonGreedy: true,
      summary: 'Place a host in a region: HOST=REGION instead of the one it gets by index (node1 apac, node2 europe, node3 americas, node4 apac, ...); repeat for more hosts.',
    }),
    peers: Flags.integer({
      default: 0, min: 0,
      summary: 'Destination mail servers beside the hosts: peer1..N, each a network namespace in a region (peer1 apac, peer2 europe, ...; --region and --link apply) with the domain peerN.example, whose MX the lab\'s DNS serves. Not in the inventory; nothing runs on them until a test starts a server there (ip netns exec).',
    }),
    link: Flags.string({
      multiple: true, multipleNonGreedy: true,
      summary: 'Delay and loss between two regions: REGION:REGION=MS[,LOSS%][,flows=FLOWS%] adds MS to the round trips between any host of one and any host of the other, loses LOSS% of them and FLOWS% of their TCP connections whole (evenly spaced: a connect timeout, as behind a dead path; adds to --delay); repeat for more pairs.',
    }),
  }

  async run() {
    const {flags} = await this.parse(LabUp)
    const lab = await bringLabUp({name: flags.name, hosts: flags.hosts, subnet: flags.subnet, os: flags.os as LabSystem, tls: flags.tls as LabTls, delays: flags.delay ?? [], regions: flags.region ?? [], links: flags.link ?? [], peers: flags.peers, cores: flags.cores}, this.progress())
    this.log(lab.inventory)
    return lab
  }
}
