/**
 * What each verify check is evidence of, per regime: the controls an auditor asks about, with the
 * article or section they come from, and the checks (ids, or a group as `tls.*`) that show it.
 * `audit.chain` is `mailops audit verify` (run with the pack). A control no check covers is listed with `gap` saying why, never
 * shown as met. docs/compliance.md is generated from this table (a test keeps them equal).
 */
export interface Control {
  id: string
  title: string
  /** the text it comes from */
  source: string
  checks: readonly string[]
  /** what mailops does not (yet) evidence for it */
  gap?: string
}

export interface Profile {
  title: string
  source: string
  controls: readonly Control[]
}

// DANE authenticates the server a sender encrypts to; CAA limits who may issue the certificates it serves.
const IN_TRANSIT = ['tls.*', 'auth.before-tls', 'dns.dane', 'dns.caa'] as const
const ACCESS = ['auth.login', 'auth.bad-login', 'auth.throttle', 'auth.sender', 'relay.open', 'smtp.edges-only', 'smtp.system-accounts', 'smtp.vrfy', 'host.firewall'] as const
// DNSSEC keeps the records mail's origin and routing depend on from being forged; delivery.forgery is spoofed mail refused.
const ORIGIN = ['delivery.outbound-dkim', 'delivery.outbound-spf', 'delivery.outbound-dmarc', 'delivery.forgery', 'dns.spf', 'dns.dkim', 'dns.dmarc', 'dns.dnssec', 'dns.mta-sts', 'dns.mta-sts-policy', 'dns.tls-rpt'] as const
// Outbound routes (vars.route_plan): deployed as planned, each egress edge relaying, so mail has its path and a fallback.
const RESILIENCE = ['network.port', 'network.ipv6', 'host.services', 'host.queue', 'host.disk', 'host.memory', 'host.certificate', 'host.renewal', 'host.replication', 'delivery.inbound', 'route.transport', 'route.egress'] as const
/**
 * Checks that evidence no control: they show interoperability with other mail servers (RFC 5321's
 * greeting, EHLO, postmaster, SIZE; SMTPUTF8; MX and PTR records; Authentication-Results; the spam
 * filter's GTUBE), not confidentiality, integrity, availability or accountability. A new check
 * goes in a group above or here, never nowhere (a test keeps the catalog covered).
 */
export const NOT_EVIDENCE = ['smtp.banner', 'smtp.ehlo', 'smtp.postmaster', 'smtp.size', 'delivery.auth-results', 'delivery.gtube', 'delivery.unicode', 'dns.mx', 'dns.ptr'] as const
const AT_REST = ['delivery.at-rest'] as const
const AT_REST_GAP = "The key is on the core's disk (docs/encryption-at-rest.md): it protects the mail store and its backups, not a whole stolen disk or root on the node (volume encryption is the operator's)."
const NO_SM4 = 'SM4 at rest is not available: Debian 12\'s Dovecot 2.3 has no cipher setting, and Debian 13\'s Dovecot 2.4.1 refuses sm4-gcm and crashes on sm4-ctr/cbc; the mail is AES-256-GCM.'

export const PROFILES = {
  gdpr: {
    title: 'GDPR — Regulation (EU) 2016/679',
    source: 'https://eur-lex.europa.eu/eli/reg/2016/679/oj',
    controls: [
      {id: 'Art. 32(1)(a) in transit', title: 'Encryption of personal data in transit', source: 'GDPR Art. 32(1)(a)', checks: IN_TRANSIT},
      {id: 'Art. 32(1)(a) at rest', title: 'Encryption of personal data at rest', source: 'GDPR Art. 32(1)(a)', checks: AT_REST, gap: AT_REST_GAP},
      {id: 'Art. 32(1)(b)', title: 'Ongoing confidentiality, integrity, availability and resilience of processing systems', source: 'GDPR Art. 32(1)(b)', checks: [...ACCESS, ...RESILIENCE]},
      {id: 'Art. 32(1)(d)', title: 'Regular testing of the effectiveness of the technical measures', source: 'GDPR Art. 32(1)(d)', checks: ['*']},
      {id: 'Art. 5(1)(e)', title: 'Storage limitation: personal data kept no longer than necessary', source: 'GDPR Art. 5(1)(e)', checks: ['host.logrotate']},
      {id: 'Art. 5(1)(f)', title: 'Integrity and confidentiality, including protection against unauthorised processing', source: 'GDPR Art. 5(1)(f)', checks: [...ACCESS, ...ORIGIN]},
      {id: 'Art. 5(2)', title: 'Accountability: being able to demonstrate compliance (a trail of changes that proves itself)', source: 'GDPR Art. 5(2)', checks: ['audit.chain']},
    ],
  },
  pipl: {
    title: 'PIPL — Personal Information Protection Law of the PRC (2021)',
    source: '中华人民共和国个人信息保护法, adopted by the NPC Standing Committee on 20 August 2021, in force 1 November 2021',
    controls: [
      {id: 'Art. 51(3) encryption', title: 'Technical security measures such as encryption (in transit)', source: 'PIPL Art. 51(3)', checks: IN_TRANSIT},
      {id: 'Art. 51(3) at rest', title: 'Technical security measures such as encryption (at rest)', source: 'PIPL Art. 51(3)', checks: AT_REST, gap: `${AT_REST_GAP} ${NO_SM4}`},
      {id: 'Art. 51(4)', title: 'Operating permissions: who may log in and send as whom', source: 'PIPL Art. 51(4)', checks: ACCESS},
      {id: 'Art. 19', title: 'Retention no longer than necessary for the purpose', source: 'PIPL Art. 19', checks: ['host.logrotate']},
      {id: 'Art. 54', title: 'Regular compliance audits', source: 'PIPL Art. 54', checks: ['*', 'audit.chain']},
      {id: 'Art. 40', title: 'Storage within the territory (critical information infrastructure operators and large handlers)', source: 'PIPL Art. 40', checks: [], gap: 'Where the nodes are is the inventory\'s; mailops does not check a host\'s jurisdiction.'},
    ],
  },
  hipaa: {
    title: 'HIPAA Security Rule — 45 CFR Part 164, Subpart C',
    source: 'https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-164/subpart-C',
    controls: [
      {id: '164.312(a)(1)', title: 'Access control', source: '45 CFR 164.312(a)(1)', checks: ACCESS},
      {id: '164.312(a)(2)(iv)', title: 'Encryption and decryption (of stored ePHI)', source: '45 CFR 164.312(a)(2)(iv)', checks: AT_REST, gap: AT_REST_GAP},
      {id: '164.312(b)', title: 'Audit controls: record and examine activity', source: '45 CFR 164.312(b)', checks: ['audit.chain']},
      {id: '164.312(c)(1)', title: 'Integrity: ePHI not improperly altered (origin authentication of mail)', source: '45 CFR 164.312(c)(1)', checks: ORIGIN},
      {id: '164.312(d)', title: 'Person or entity authentication', source: '45 CFR 164.312(d)', checks: ['auth.login', 'auth.bad-login', 'auth.before-tls']},
      {id: '164.312(e)(1)', title: 'Transmission security', source: '45 CFR 164.312(e)(1), (e)(2)(ii)', checks: IN_TRANSIT},
      {id: '164.308(a)(8)', title: 'Periodic technical evaluation', source: '45 CFR 164.308(a)(8)', checks: ['*']},
    ],
  },
  ccpa: {
    title: 'CCPA as amended by the CPRA — Cal. Civ. Code § 1798.100 et seq.',
    source: 'California Civil Code, Division 3, Part 4, Title 1.81.5 (§§ 1798.100–1798.199.100)',
    controls: [
      {id: '1798.100(e)', title: 'Reasonable security procedures and practices', source: 'Cal. Civ. Code § 1798.100(e)', checks: [...IN_TRANSIT, ...ACCESS, ...RESILIENCE]},
      {id: '1798.100(a)(3)', title: 'Retention period of each category of personal information', source: 'Cal. Civ. Code § 1798.100(a)(3)', checks: ['host.logrotate']},
      {id: '1798.150(a)(1)', title: 'Unencrypted personal information exposed by a breach', source: 'Cal. Civ. Code § 1798.150(a)(1)', checks: AT_REST, gap: AT_REST_GAP},
      {id: '1798.185(a)(15)', title: 'Cybersecurity audits (regulations under the CPRA)', source: 'Cal. Civ. Code § 1798.185(a)(15)', checks: ['*', 'audit.chain']},
    ],
  },
} satisfies Record<string, Profile>

export type ProfileName = keyof typeof PROFILES
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[]

/** Whether a check id is one a control names: exactly, by its group (`tls.*`), or any (`*`). */
export const covers = (pattern: string, id: string): boolean => pattern === '*' || pattern === id || (pattern.endsWith('.*') && id.startsWith(pattern.slice(0, -1)))

/** docs/compliance.md: per regime, each control, where it comes from, and the checks that evidence it. */
export function complianceMarkdown(): string {
  const out = [
    '# Compliance profiles: which check evidences which control',
    '',
    'Generated from `src/evidence/profiles.ts` (a test keeps this page equal to it). `mailops verify -i inventory.yaml --profile NAME`',
    'shows each control with its standing; `--evidence DIR` writes the pack (`evidence.json`, schema `mailops schema evidence-pack`;',
    '`verify.json`; `SHA256SUMS`). A control is *met* when every result of its checks passed, *partly* when one warned, *not met*',
    'when one failed, *not evidenced* when none ran. `audit.chain` is `mailops audit verify` of the runs and every host\'s log;',
    '`*` is every check verify ran. This maps technical evidence to controls; it is not legal advice, and no check proves a',
    'control on its own: organisational measures are the operator\'s.',
  ]
  for (const profile of Object.values(PROFILES) as Profile[]) {
    out.push('', `## ${profile.title}`, '', `Source: ${profile.source}`, '', '| control | what it asks | checks | not evidenced by mailops |', '|---|---|---|---|')
    for (const c of profile.controls) out.push(`| ${c.source} | ${c.title} | ${c.checks.map((k) => `\`${k}\``).join(' ') || '—'} | ${c.gap ?? ''} |`)
  }
  return out.join('\n') + '\n'
}
