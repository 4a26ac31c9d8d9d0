import type {Provider} from '../config/schemas/providers.js'
import type {LocalText} from '../i18n/text.js'

type Regimes = NonNullable<Provider['compliance']>['regimes']
const yes = {status: 'yes'} as const
const gap = (reason: LocalText) => ({status: 'gap', reason}) as const
const no = (reason: LocalText) => ({status: 'no', reason}) as const

/** Standing read from the providers' trust centres and compliance pages, as of `asOf`. */
const compliance = (source: string, regimes: Regimes): Provider['compliance'] => ({asOf: '2025-06-01', source, regimes})

const PIPL_TRANSFER = {
  en: 'No mainland-China region in this offering: personal data of staff in China leaves China, which needs a PIPL transfer mechanism (CAC standard contract, certification or security assessment).',
  'zh-CN': '该服务在中国大陆没有数据中心：在华员工的个人信息将出境，须履行《个人信息保护法》的出境程序（标准合同、认证或安全评估）。',
}
const MLPS_ABROAD = {
  en: "Not filed under China's MLPS: the global service runs outside China (only a separate China-operated offering could be).",
  'zh-CN': '未在中国进行等级保护备案：全球服务运行在中国境外（只有另行在中国运营的版本才可能备案）。',
}
const GDPR_CHINA = {
  en: 'Mail is stored in mainland China only: personal data of EU staff sent there needs EU standard contractual clauses and a transfer impact assessment.',
  'zh-CN': '邮件只存放在中国大陆：欧盟员工的个人数据传输至该处，须签订欧盟标准合同条款并进行传输影响评估。',
}
const CCPA_TERMS = {en: 'No published CCPA service-provider terms: to be negotiated.', 'zh-CN': '未公布 CCPA 服务提供商条款：需另行谈判。'}
const NO_SOC2_REPORT = {en: 'No SOC 2 report published for this mail service.', 'zh-CN': '未公布该邮件服务的 SOC 2 报告。'}
const NO_BAA = {en: 'No HIPAA business associate agreement (BAA) is offered.', 'zh-CN': '不提供 HIPAA 业务伙伴协议（BAA）。'}
const OWN_CERT = {
  en: 'Not certified: the certification would be your own organisation operating the nodes.',
  'zh-CN': '未获认证：需由运营这些节点的贵组织自行取得认证。',
}

/**
 * Indicative figures compiled from the providers' public pages; every price carries the date
 * it was read. They are a starting point for a conversation, not a quote: override them with
 * `--providers file.yaml`. Prices of the China-based providers are converted to USD. Each
 * cost.tco is what `mailops tco` computes per seat-year for its default scenario. The
 * compliance standing is dated the same way; a "gap" says what extra work meets the regime.
 */
export const BUNDLED_PROVIDERS: readonly Provider[] = [
  {
    id: 'm365',
    name: {en: 'Microsoft 365 (Exchange Online Plan 1)', 'zh-CN': 'Microsoft 365（Exchange Online 计划 1）'},
    kind: 'saas',
    cloud: 'azure',
    pricing: {
      currency: 'USD', asOf: '2025-04-01',
      source: 'https://www.microsoft.com/microsoft-365/exchange/compare-microsoft-exchange-online-plans',
      perSeatMonth: {annual: 4, monthly: 4.8}, includedStorageGb: 50, extraStoragePerGbMonth: 0.2,
    },
    operations: {ftePerThousandSeats: 0.5, onboardingPerSeat: 25},
    compliance: compliance('https://learn.microsoft.com/compliance/regulatory/offering-home', {
      gdpr: yes, ccpa: yes, hipaa: yes, iso27001: yes, soc2: yes,
      pipl: gap(PIPL_TRANSFER),
      mlps: no(MLPS_ABROAD),
    }),
    values: {
      'coverage.pops': 60, 'coverage.countries': 140, 'coverage.zones': 3, 'coverage.residency': 17,
      'network.latency': 45, 'network.loss': 0.3, 'network.delivery': 94, 'network.sla': 99.9,
      'security.certifications': 6, 'security.privacy': 3, 'security.encryption': 4, 'security.threat': 4,
      'extensibility.apis': 5, 'extensibility.protocols': 5, 'extensibility.integrations': 8, 'extensibility.migration': 5,
      'cost.tco': 102, 'cost.storage': 50, 'cost.onboarding': 25, 'cost.flexibility': 3,
    },
  },
  {
    id: 'google-workspace',
    name: {en: 'Google Workspace (Business Starter)', 'zh-CN': 'Google Workspace（商务入门版）'},
    kind: 'saas',
    cloud: 'gcp',
    pricing: {
      currency: 'USD', asOf: '2025-03-17',
      source: 'https://workspace.google.com/pricing',
      perSeatMonth: {annual: 7, monthly: 8.4}, includedStorageGb: 30, extraStoragePerGbMonth: 0.1,
    },
    operations: {ftePerThousandSeats: 0.5, onboardingPerSeat: 20},
    compliance: compliance('https://cloud.google.com/security/compliance', {
      gdpr: yes, ccpa: yes, hipaa: yes, iso27001: yes, soc2: yes,
      pipl: gap({
        en: `${PIPL_TRANSFER.en} Google services are also not reliably reachable from mainland China.`,
        'zh-CN': `${PIPL_TRANSFER['zh-CN']}此外，从中国大陆访问 Google 服务并不稳定。`,
      }),
      mlps: no(MLPS_ABROAD),
    }),
    values: {
      'coverage.pops': 40, 'coverage.countries': 150, 'coverage.zones': 3, 'coverage.residency': 2,
      'network.latency': 40, 'network.loss': 0.3, 'network.delivery': 95, 'network.sla': 99.9,
      'security.certifications': 6, 'security.privacy': 3, 'security.encryption': 3, 'security.threat': 3,
      'extensibility.apis': 5, 'extensibility.protocols': 4, 'extensibility.integrations': 8, 'extensibility.migration': 4,
      'cost.tco': 136, 'cost.storage': 30, 'cost.onboarding': 20, 'cost.flexibility': 3,
    },
  },
  {
    id: 'zoho-mail',
    name: {en: 'Zoho Mail (Mail Lite)', 'zh-CN': 'Zoho Mail（轻量版）'},
    kind: 'saas',
    pricing: {
      currency: 'USD', asOf: '2025-01-15',
      source: 'https://www.zoho.com/mail/zohomail-pricing.html',
      perSeatMonth: {annual: 1, monthly: 1.25}, includedStorageGb: 5, extraStoragePerGbMonth: 0.25,
    },
    operations: {ftePerThousandSeats: 0.6, onboardingPerSeat: 15},
    compliance: compliance('https://www.zoho.com/compliance.html', {
      gdpr: yes, ccpa: yes, iso27001: yes, soc2: yes,
      hipaa: gap({en: 'A BAA is offered for some plans only: confirm it for the plan chosen.', 'zh-CN': '仅部分套餐提供 BAA：需就所选套餐确认。'}),
      pipl: gap({
        en: `${PIPL_TRANSFER.en} Zoho's China data centre is a separate service and contract.`,
        'zh-CN': `${PIPL_TRANSFER['zh-CN']}Zoho 的中国数据中心是另行签约的独立服务。`,
      }),
      mlps: no(MLPS_ABROAD),
    }),
    values: {
      'coverage.pops': 12, 'coverage.countries': 100, 'coverage.zones': 3, 'coverage.residency': 9,
      'network.latency': 70, 'network.loss': 0.5, 'network.delivery': 90, 'network.sla': 99.9,
      'security.certifications': 4, 'security.privacy': 3, 'security.encryption': 3, 'security.threat': 3,
      'extensibility.apis': 3, 'extensibility.protocols': 4, 'extensibility.integrations': 6, 'extensibility.migration': 4,
      'cost.tco': 71, 'cost.storage': 5, 'cost.onboarding': 15, 'cost.flexibility': 2,
    },
  },
  {
    id: 'tencent-exmail',
    name: {en: 'Tencent Exmail', 'zh-CN': '腾讯企业邮'},
    kind: 'saas',
    pricing: {
      currency: 'USD', asOf: '2025-02-01',
      source: 'https://exmail.qq.com/',
      perSeatMonth: {annual: 5, monthly: 6}, includedStorageGb: 50, extraStoragePerGbMonth: 0.15,
    },
    operations: {ftePerThousandSeats: 0.6, onboardingPerSeat: 15},
    compliance: compliance('https://exmail.qq.com/', {
      pipl: yes, mlps: yes, iso27001: yes,
      gdpr: gap(GDPR_CHINA),
      ccpa: gap(CCPA_TERMS),
      hipaa: no(NO_BAA),
      soc2: gap(NO_SOC2_REPORT),
    }),
    values: {
      'coverage.pops': 10, 'coverage.countries': 10, 'coverage.zones': 1, 'coverage.residency': 2,
      'network.latency': 120, 'network.loss': 1, 'network.delivery': 85, 'network.sla': 99.9,
      'security.certifications': 4, 'security.privacy': 1, 'security.encryption': 2, 'security.threat': 3,
      'extensibility.apis': 3, 'extensibility.protocols': 4, 'extensibility.integrations': 4, 'extensibility.migration': 3,
      'cost.tco': 119, 'cost.storage': 50, 'cost.onboarding': 15, 'cost.flexibility': 1,
    },
  },
  {
    id: 'alibaba-mail',
    name: {en: 'Alibaba Mail', 'zh-CN': '阿里邮箱'},
    kind: 'saas',
    cloud: 'alibaba',
    pricing: {
      currency: 'USD', asOf: '2025-02-01',
      source: 'https://www.alibabacloud.com/product/mail',
      perSeatMonth: {annual: 4.5, monthly: 5.4}, includedStorageGb: 30, extraStoragePerGbMonth: 0.15,
    },
    operations: {ftePerThousandSeats: 0.6, onboardingPerSeat: 15},
    compliance: compliance('https://www.alibabacloud.com/trust-center', {
      pipl: yes, mlps: yes, iso27001: yes,
      gdpr: gap(GDPR_CHINA),
      ccpa: gap(CCPA_TERMS),
      hipaa: no(NO_BAA),
      soc2: gap(NO_SOC2_REPORT),
    }),
    values: {
      'coverage.pops': 15, 'coverage.countries': 30, 'coverage.zones': 3, 'coverage.residency': 4,
      'network.latency': 80, 'network.loss': 0.6, 'network.delivery': 88, 'network.sla': 99.9,
      'security.certifications': 6, 'security.privacy': 2, 'security.encryption': 3, 'security.threat': 3,
      'extensibility.apis': 3, 'extensibility.protocols': 4, 'extensibility.integrations': 5, 'extensibility.migration': 3,
      'cost.tco': 113, 'cost.storage': 30, 'cost.onboarding': 15, 'cost.flexibility': 2,
    },
  },
  {
    id: 'self-hosted',
    name: {en: 'Self-hosted (Postfix + Dovecot on cloud VMs, deployed by mailops)', 'zh-CN': '自建（云主机上的 Postfix + Dovecot，由 mailops 部署）'},
    kind: 'self-hosted',
    cloud: 'aws',
    pricing: {
      currency: 'USD', asOf: '2025-06-01',
      source: 'open-source software; infrastructure priced in the TCO scenario',
      perSeatMonth: {annual: 0, monthly: 0}, includedStorageGb: 0, extraStoragePerGbMonth: 0,
    },
    operations: {ftePerThousandSeats: 2, onboardingPerSeat: 40},
    compliance: compliance('mailops: the standing depends on where and how you run the nodes', {
      gdpr: yes, ccpa: yes,
      pipl: gap({
        en: 'Compliant only with a core node holding the mail of staff in China inside mainland China: add one to the inventory.',
        'zh-CN': '只有把在华员工邮件存放在中国大陆的核心节点才合规：需在清单中增加该节点。',
      }),
      hipaa: gap({en: 'No BAA needed, but you must implement and document the HIPAA safeguards yourself.', 'zh-CN': '无需 BAA，但须自行落实并记录 HIPAA 保障措施。'}),
      mlps: gap({en: 'Your deployment in China must be graded, filed and assessed under MLPS.', 'zh-CN': '在中国的部署须完成等级保护定级、备案和测评。'}),
      iso27001: gap(OWN_CERT),
      soc2: gap(OWN_CERT),
    }),
    values: {
      'coverage.pops': 6, 'coverage.countries': 3, 'coverage.zones': 3, 'coverage.residency': 3,
      'network.latency': 35, 'network.loss': 0.3, 'network.delivery': 85, 'network.sla': 99.5,
      'security.certifications': 0, 'security.privacy': 4, 'security.encryption': 4, 'security.threat': 2,
      'extensibility.apis': 2, 'extensibility.protocols': 4, 'extensibility.integrations': 2, 'extensibility.migration': 3,
      'cost.tco': 205, 'cost.storage': 50, 'cost.onboarding': 40, 'cost.flexibility': 3,
    },
  },
]
