import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {now as currentTime} from '../util/clock.js'
import {CHECK_IDS, CHECKS, checksMarkdown} from './catalog.js'
import {type Peer, startPeer} from './delivery.js'
import {parsePeer, prepareVerify, type VerifyRequest} from './setup.js'
import {type NodeReport, checkNodes, countStatuses, verifyExit} from './node-checks.js'
import {assessControls, checkEvidenceDir, type ControlResult, gatherEvidence, writeEvidencePack} from '../evidence/pack.js'
import {PROFILES, type ProfileName} from '../evidence/profiles.js'
import {FleetSession} from '../fleet/session.js'

export interface VerifyFleetRequest extends Omit<VerifyRequest, 'now'> {
  /** --peer ADDRESS:PORT: where outbound mail is captured */
  peer?: string
  strict: boolean
  /** --profile: map the results onto a regime's controls */
  profile?: ProfileName
  /** --evidence DIR: write the pack for an auditor (needs profile and inventory) */
  evidenceDir?: string
  /** where deploy's signed runs are (the pack records the audit trail's standing) */
  auditDir?: string
  progress: (message: string) => void
}

export interface VerifyReport {
  strict: boolean
  summary: ReturnType<typeof countStatuses>
  nodes: NodeReport[]
  profile?: {name: ProfileName; title: string; controls: ControlResult[]}
  evidence?: {dir: string; files: string[]}
}

/** `mailops verify`: the setup (every input checked first), the outbound peer when asked for, the checks; the report and its exit code. */
export async function verifyFleet(request: VerifyFleetRequest): Promise<{report: VerifyReport; exit: ReturnType<typeof verifyExit>; now: Date}> {
  const now = currentTime()
  if (request.evidenceDir) {
    if (!request.profile || !request.inventory) throw new InputError(t('evidence.needs'), {code: 'USAGE'})
    checkEvidenceDir(request.evidenceDir)
  }
  const setup = await prepareVerify({...request, now})
  const peerAddress = request.peer ? parsePeer(request.peer) : undefined
  const wantsOutbound = (['delivery.outbound-dkim', 'delivery.outbound-spf', 'delivery.outbound-dmarc'] as const).some((id) => setup.selected(id))
  let peer: Peer | undefined
  try {
    peer = peerAddress && wantsOutbound && setup.dns ? await startPeer(peerAddress) : undefined
  } catch (error) {
    throw new InputError(t('verify.peerListen', {peer: request.peer!, reason: (error as Error).message}), {code: 'USAGE'})
  }
  request.progress(t('verify.checking', {count: setup.nodes.length, domain: setup.dns ? t('verify.andDomain', {domain: setup.dns.domain}) : ''}))
  // One SSH session for the whole run: the checks and the evidence pack reach each host once.
  const session = setup.ssh && new FleetSession(setup.ssh, setup.ssh)
  try {
    let nodes: NodeReport[]
    try {
      nodes = await checkNodes(
        {
          ...setup,
          peer,
          onNode: (n) => {
            const s = countStatuses([n])
            request.progress(t('verify.nodeDone', {node: n.name, checks: n.checks.length, failed: s.fail, warnings: s.warn, errors: s.error, seconds: (n.ms / 1000).toFixed(1)}))
          },
        },
        session,
      )
    } finally {
      await peer?.close()
    }
    const summary = countStatuses(nodes)
    const report: VerifyReport = {strict: request.strict, summary, nodes}
    if (request.profile) Object.assign(report, await evidenceFor(request, request.profile, report, now, session))
    return {report, exit: verifyExit(summary, request.strict), now}
  } finally {
    await session?.close()
  }
}

/** The profile's controls from the results (and, with an inventory, the audit trail's standing); the pack when asked for. */
async function evidenceFor(request: VerifyFleetRequest, name: ProfileName, report: VerifyReport, now: Date, session: FleetSession | undefined): Promise<Pick<VerifyReport, 'profile' | 'evidence'>> {
  const evidence = request.inventory
    ? await gatherEvidence({root: request.root, inventory: request.inventory, hosts: request.hosts, auditDir: request.auditDir, acceptNew: request.acceptNew, connectTimeoutMs: request.timeoutMs}, session)
    : undefined
  const results = [...report.nodes.flatMap((n) => n.checks), ...(evidence ? [{id: 'audit.chain', status: evidence.audit.status}] : [])]
  const profile = {name, title: PROFILES[name].title, controls: assessControls(name, results)}
  if (!request.evidenceDir) return {profile}
  const pack = {createdAt: now.toISOString(), profile: {...profile, source: PROFILES[name].source}, summary: report.summary, ...evidence!, verify: 'verify.json'}
  const files = writeEvidencePack(request.evidenceDir, {'evidence.json': pack, 'verify.json': {...report, profile}})
  return {profile, evidence: {dir: request.evidenceDir, files}}
}

/** `mailops verify --list`: every check, what it proves and how to fix it. */
export function checkList(): {markdown: string; checks: Array<{id: string; scope: string; proves: string; fix: string}>} {
  return {markdown: checksMarkdown(), checks: CHECK_IDS.map((id) => ({id, ...CHECKS[id]}))}
}
