import type {Provider} from '../config/schemas/providers.js'

/**
 * Indicative figures compiled from the providers' public pages; every price carries the date
 * it was read. They are a starting point for a conversation, not a quote: override them with
 * `--providers file.yaml`. Prices of the China-based providers are converted to USD. Each
 * cost.tco is what `mailops tco` computes per seat-year for its default scenario.
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
    values: {
      'coverage.pops': 6, 'coverage.countries': 3, 'coverage.zones': 3, 'coverage.residency': 3,
      'network.latency': 35, 'network.loss': 0.3, 'network.delivery': 85, 'network.sla': 99.5,
      'security.certifications': 0, 'security.privacy': 4, 'security.encryption': 4, 'security.threat': 2,
      'extensibility.apis': 2, 'extensibility.protocols': 4, 'extensibility.integrations': 2, 'extensibility.migration': 3,
      'cost.tco': 205, 'cost.storage': 50, 'cost.onboarding': 40, 'cost.flexibility': 3,
    },
  },
]
