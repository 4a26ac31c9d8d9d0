import {InputError} from '../errors.js'
import {t} from '../i18n/index.js'
import {now as currentTime} from '../util/clock.js'
import {CHECK_IDS, CHECKS, checksMarkdown} from './catalog.js'
import {type Peer, startPeer} from './delivery.js'
import {parsePeer, prepareVerify, type VerifyRequest} from './setup.js'
import {type NodeReport, checkNodes, countStatuses, verifyExit} from './node-checks.js'

export interface VerifyFleetRequest extends Omit<VerifyRequest, 'now'> {
  /** --peer ADDRESS:PORT: where outbound mail is captured */
  peer?: string
  strict: boolean
  progress: (message: string) => void
}

export interface VerifyReport {
  strict: boolean
  summary: ReturnType<typeof countStatuses>
  nodes: NodeReport[]
}

/** `mailops verify`: the setup (every input checked first), the outbound peer when asked for, the checks; the report and its exit code. */
export async function verifyFleet(request: VerifyFleetRequest): Promise<{report: VerifyReport; exit: ReturnType<typeof verifyExit>; now: Date}> {
  const now = currentTime()
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
  let nodes: NodeReport[]
  try {
    nodes = await checkNodes({
      ...setup,
      peer,
      onNode: (n) => {
        const s = countStatuses([n])
        request.progress(t('verify.nodeDone', {node: n.name, checks: n.checks.length, failed: s.fail, warnings: s.warn, errors: s.error, seconds: (n.ms / 1000).toFixed(1)}))
      },
    })
  } finally {
    await peer?.close()
  }
  const summary = countStatuses(nodes)
  return {report: {strict: request.strict, summary, nodes}, exit: verifyExit(summary, request.strict), now}
}

/** `mailops verify --list`: every check, what it proves and how to fix it. */
export function checkList(): {markdown: string; checks: Array<{id: string; scope: string; proves: string; fix: string}>} {
  return {markdown: checksMarkdown(), checks: CHECK_IDS.map((id) => ({id, ...CHECKS[id]}))}
}
