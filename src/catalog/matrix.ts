import type {DimensionId, IndicatorId} from '../config/constants.js'
import type {LocalText} from '../i18n/text.js'

export type Direction = 'benefit' | 'cost'

export interface Indicator {
  id: IndicatorId
  dimension: DimensionId
  name: LocalText
  unit: string
  direction: Direction
  /** Share of the whole matrix; all 20 add up to 1. */
  weight: number
  rationale: LocalText
}

export const DIMENSION_NAMES: Record<DimensionId, LocalText> = {
  coverage: {en: 'Global coverage', 'zh-CN': '全球覆盖'},
  network: {en: 'Network quality', 'zh-CN': '网络质量'},
  security: {en: 'Security & compliance', 'zh-CN': '安全与合规'},
  extensibility: {en: 'Extensibility', 'zh-CN': '可扩展性'},
  cost: {en: 'Cost-effectiveness', 'zh-CN': '成本效益'},
}

/** Default dimension weights: network and security first, as the source material stresses. */
export const DEFAULT_DIMENSION_WEIGHTS: Record<DimensionId, number> = {
  coverage: 0.2,
  network: 0.25,
  security: 0.25,
  extensibility: 0.15,
  cost: 0.15,
}

type IndicatorSpec = Omit<Indicator, 'weight'>

const SPECS: IndicatorSpec[] = [
  {
    id: 'coverage.pops', dimension: 'coverage', unit: 'count', direction: 'benefit',
    name: {en: 'Points of presence', 'zh-CN': '接入点数量'},
    rationale: {en: 'More data centres serving mail put a node closer to each office and customer.', 'zh-CN': '提供邮件服务的数据中心越多，越靠近各地办公室和客户。'},
  },
  {
    id: 'coverage.countries', dimension: 'coverage', unit: 'count', direction: 'benefit',
    name: {en: 'Countries served', 'zh-CN': '服务国家数'},
    rationale: {en: 'Local billing, support and legal presence in the markets the company trades in.', 'zh-CN': '在企业开展业务的市场提供本地计费、支持和法律实体。'},
  },
  {
    id: 'coverage.zones', dimension: 'coverage', unit: 'zones (0-3)', direction: 'benefit',
    name: {en: 'Economic zones with in-zone data centres', 'zh-CN': '设有本区数据中心的经济区'},
    rationale: {en: 'Edge nodes in APAC, Europe and the Americas carry ~80% of routine traffic.', 'zh-CN': '亚太、欧洲、美洲三大经济区的边缘节点承担约 80% 的日常邮件流量。'},
  },
  {
    id: 'coverage.residency', dimension: 'coverage', unit: 'regions', direction: 'benefit',
    name: {en: 'Data-residency regions', 'zh-CN': '数据驻留区域'},
    rationale: {en: 'Regions where mailbox data can be pinned, for data-localisation rules.', 'zh-CN': '可指定邮箱数据存放的区域数，满足数据本地化要求。'},
  },
  {
    id: 'network.latency', dimension: 'network', unit: 'ms', direction: 'cost',
    name: {en: 'Median latency to nearest region', 'zh-CN': '到最近区域的中位延迟'},
    rationale: {en: 'Measured round-trip time decides where mail is routed (3.2 s to 0.5 s in the source case).', 'zh-CN': '实测往返时延决定邮件路由（源案例中由 3.2 秒降至 0.5 秒）。'},
  },
  {
    id: 'network.loss', dimension: 'network', unit: '%', direction: 'cost',
    name: {en: 'Packet loss', 'zh-CN': '丢包率'},
    rationale: {en: 'Loss stalls SMTP sessions and TLS handshakes; routing by network quality avoids it.', 'zh-CN': '丢包会拖慢 SMTP 会话和 TLS 握手；按网络质量选路可以避开。'},
  },
  {
    id: 'network.delivery', dimension: 'network', unit: '%', direction: 'benefit',
    name: {en: 'Inbox delivery rate', 'zh-CN': '收件箱送达率'},
    rationale: {en: 'Share of outbound mail reaching the inbox (68% to 92% to Africa in the source case).', 'zh-CN': '外发邮件进入收件箱的比例（源案例中发往非洲由 68% 提升到 92%）。'},
  },
  {
    id: 'network.sla', dimension: 'network', unit: '%', direction: 'benefit',
    name: {en: 'Uptime SLA', 'zh-CN': '可用性 SLA'},
    rationale: {en: 'Financially backed availability; the target is RTO < 15 min, RPO < 5 min.', 'zh-CN': '有赔付保障的可用性；目标为 RTO < 15 分钟、RPO < 5 分钟。'},
  },
  {
    id: 'security.certifications', dimension: 'security', unit: 'count', direction: 'benefit',
    name: {en: 'Security certifications', 'zh-CN': '安全认证'},
    rationale: {en: 'ISO 27001, ISO 27018, SOC 2 Type II, CSA STAR, C5, MLPS level 3 held.', 'zh-CN': '持有 ISO 27001、ISO 27018、SOC 2 Type II、CSA STAR、C5、等保三级等认证。'},
  },
  {
    id: 'security.privacy', dimension: 'security', unit: 'regimes (0-4)', direction: 'benefit',
    name: {en: 'Privacy regimes contracted', 'zh-CN': '签约支持的隐私法规'},
    rationale: {en: 'GDPR, CCPA, HIPAA (BAA) and PIPL terms the provider signs.', 'zh-CN': '服务商签署的 GDPR、CCPA、HIPAA（BAA）、PIPL 条款。'},
  },
  {
    id: 'security.encryption', dimension: 'security', unit: 'score (0-4)', direction: 'benefit',
    name: {en: 'Encryption', 'zh-CN': '加密能力'},
    rationale: {en: 'One point each: TLS 1.3 in transit, AES-256 (or SM4) at rest, customer-managed keys, S/MIME or end-to-end.', 'zh-CN': '各计一分：传输 TLS 1.3、静态 AES-256（或 SM4）、客户自管密钥、S/MIME 或端到端加密。'},
  },
  {
    id: 'security.threat', dimension: 'security', unit: 'score (0-4)', direction: 'benefit',
    name: {en: 'Threat protection and audit', 'zh-CN': '威胁防护与审计'},
    rationale: {en: 'One point each: phishing/spam filtering, attachment sandboxing, DMARC enforcement, full audit trail.', 'zh-CN': '各计一分：钓鱼/垃圾邮件过滤、附件沙箱、DMARC 强制、完整审计追踪。'},
  },
  {
    id: 'extensibility.apis', dimension: 'extensibility', unit: 'count', direction: 'benefit',
    name: {en: 'API families', 'zh-CN': 'API 类别数'},
    rationale: {en: 'Admin, mail, calendar, reporting and webhook APIs for automation.', 'zh-CN': '用于自动化的管理、邮件、日历、报表和 Webhook 接口。'},
  },
  {
    id: 'extensibility.protocols', dimension: 'extensibility', unit: 'count', direction: 'benefit',
    name: {en: 'Standard protocols', 'zh-CN': '标准协议'},
    rationale: {en: 'SMTP, submission, IMAP, POP3, ActiveSync, JMAP: standard clients must work.', 'zh-CN': 'SMTP、提交端口、IMAP、POP3、ActiveSync、JMAP：标准客户端必须可用。'},
  },
  {
    id: 'extensibility.integrations', dimension: 'extensibility', unit: 'count', direction: 'benefit',
    name: {en: 'Business integrations', 'zh-CN': '业务系统集成'},
    rationale: {en: 'Native CRM/ERP/marketing connectors (Salesforce, SAP, HubSpot, Mailchimp, Dynamics, ...).', 'zh-CN': '原生 CRM/ERP/营销连接器（Salesforce、SAP、HubSpot、Mailchimp、Dynamics 等）。'},
  },
  {
    id: 'extensibility.migration', dimension: 'extensibility', unit: 'count', direction: 'benefit',
    name: {en: 'Migration sources', 'zh-CN': '迁移来源'},
    rationale: {en: 'Sources with supported migration tooling (IMAP, Exchange, Google, PST, Lotus).', 'zh-CN': '有迁移工具支持的来源（IMAP、Exchange、Google、PST、Lotus）。'},
  },
  {
    id: 'cost.tco', dimension: 'cost', unit: 'USD/seat-year', direction: 'cost',
    name: {en: 'Total cost per seat-year', 'zh-CN': '每席位年总成本'},
    rationale: {en: 'Licence, storage, infrastructure and operations per seat and year (mailops tco).', 'zh-CN': '每席位每年的许可、存储、基础设施和运维成本（mailops tco）。'},
  },
  {
    id: 'cost.storage', dimension: 'cost', unit: 'GB/seat', direction: 'benefit',
    name: {en: 'Included storage', 'zh-CN': '包含存储'},
    rationale: {en: 'Mailbox storage in the price; 10-year contract-mail retention needs room.', 'zh-CN': '价格内含的邮箱存储；合同邮件保留 10 年需要空间。'},
  },
  {
    id: 'cost.onboarding', dimension: 'cost', unit: 'USD/seat', direction: 'cost',
    name: {en: 'Onboarding cost', 'zh-CN': '上线成本'},
    rationale: {en: 'One-time migration and training per seat.', 'zh-CN': '每席位一次性迁移和培训费用。'},
  },
  {
    id: 'cost.flexibility', dimension: 'cost', unit: 'score (0-3)', direction: 'benefit',
    name: {en: 'Contract flexibility', 'zh-CN': '合同灵活性'},
    rationale: {en: 'One point each: monthly billing, no seat minimum, full data export on exit.', 'zh-CN': '各计一分：按月计费、无最低席位、退出时可完整导出数据。'},
  },
]

/** The 20 indicators, weighted by default as each dimension's weight split evenly over its 4. */
export const INDICATORS: readonly Indicator[] = SPECS.map((spec) => ({
  ...spec,
  weight: DEFAULT_DIMENSION_WEIGHTS[spec.dimension] / 4,
}))
