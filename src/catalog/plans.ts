import type {CURRENT_SYSTEMS} from '../config/constants.js'
import type {Phase, Task} from '../config/schemas/plan.js'
import type {LocalText} from '../i18n/text.js'

export const ROLES: Record<string, LocalText> = {
  sponsor: {en: 'Executive sponsor', 'zh-CN': '高管发起人'},
  'it-lead': {en: 'IT lead', 'zh-CN': 'IT 负责人'},
  'mail-ops': {en: 'Mail operations', 'zh-CN': '邮件运维'},
  security: {en: 'Security & compliance', 'zh-CN': '安全与合规'},
  business: {en: 'Business units', 'zh-CN': '业务部门'},
  consultant: {en: 'Consultant', 'zh-CN': '顾问'},
  vendor: {en: 'Provider / integrator', 'zh-CN': '服务商 / 集成商'},
}

/**
 * Moving mail off the current system: the one-time work per seat (USD, mailops' estimate:
 * export, sync, cut-over and support; archives from Exchange cost most) and the task it adds.
 * Staying on the same platform migrates nothing.
 */
export const MIGRATIONS: Record<(typeof CURRENT_SYSTEMS)[number], {perSeatUsd: number; task?: LocalText}> = {
  'exchange-onprem': {perSeatUsd: 30, task: {en: 'Migrate mailboxes from Exchange on premises: coexistence, then batches, PST archives', 'zh-CN': '从本地 Exchange 迁移邮箱：先共存，再分批，含 PST 归档'}},
  m365: {perSeatUsd: 12, task: {en: 'Migrate mailboxes from Microsoft 365 (tenant export or IMAP sync)', 'zh-CN': '从 Microsoft 365 迁移邮箱（租户导出或 IMAP 同步）'}},
  'google-workspace': {perSeatUsd: 12, task: {en: 'Migrate mailboxes from Google Workspace (API export or IMAP sync)', 'zh-CN': '从 Google Workspace 迁移邮箱（API 导出或 IMAP 同步）'}},
  'self-hosted': {perSeatUsd: 15, task: {en: 'Migrate mailboxes from the current self-hosted servers (IMAP sync)', 'zh-CN': '从现有自建服务器迁移邮箱（IMAP 同步）'}},
  other: {perSeatUsd: 20, task: {en: 'Migrate mailboxes from the current system (IMAP sync)', 'zh-CN': '从现有系统迁移邮箱（IMAP 同步）'}},
  none: {perSeatUsd: 0},
}

export interface PlanVariant {
  phases: Phase[]
  tasks: Task[]
}

type Raci = Task['raci']
const task = (id: string, phase: number, name: LocalText, startMonth: number, endMonth: number, raci: Raci): Task => ({
  id, phase, name, startMonth, endMonth, raci,
})
const milestone = (id: string, phase: number, name: LocalText, month: number, raci: Raci): Task => ({
  ...task(id, phase, name, month, month, raci),
  milestone: true,
})

/**
 * The two rollouts of the source material. Phase months are its "0-3, 4-6, ..." read as
 * whole months from the start: phase 1 = months [0, 3). Budget shares per phase are mailops'
 * defaults (the source gives none): front-loaded where the infrastructure is built.
 */
export const PLAN_VARIANTS: Record<'cross-border' | 'enterprise', PlanVariant> = {
  'cross-border': {
    phases: [
      {name: {en: 'Base infrastructure', 'zh-CN': '基础设施'}, startMonth: 0, endMonth: 3, budgetShare: 0.35},
      {name: {en: 'Business integration', 'zh-CN': '业务集成'}, startMonth: 3, endMonth: 6, budgetShare: 0.25},
      {name: {en: 'Intelligence', 'zh-CN': '智能化'}, startMonth: 6, endMonth: 12, budgetShare: 0.25},
      {name: {en: 'Ecosystem', 'zh-CN': '生态'}, startMonth: 12, endMonth: 24, budgetShare: 0.15},
    ],
    tasks: [
      task('assess', 1, {en: 'Latency and provider assessment', 'zh-CN': '延迟与服务商评估'}, 0, 1, {consultant: 'R', 'it-lead': 'A', 'mail-ops': 'C', sponsor: 'I'}),
      task('gateway', 1, {en: 'Deploy mail gateway edge nodes', 'zh-CN': '部署邮件网关边缘节点'}, 1, 3, {'mail-ops': 'R', 'it-lead': 'A', vendor: 'C', security: 'C'}),
      task('protection', 1, {en: 'Basic protection: TLS, SPF, DKIM, DMARC, anti-spam', 'zh-CN': '基础防护：TLS、SPF、DKIM、DMARC、反垃圾邮件'}, 1, 3, {security: 'R', 'it-lead': 'A', 'mail-ops': 'R'}),
      milestone('m1-gateway-live', 1, {en: 'Gateway live in all zones', 'zh-CN': '各区网关上线'}, 3, {'it-lead': 'A', 'mail-ops': 'R', sponsor: 'I'}),
      task('crm', 2, {en: 'CRM integration', 'zh-CN': 'CRM 集成'}, 3, 5, {vendor: 'R', 'it-lead': 'A', business: 'C'}),
      task('erp', 2, {en: 'ERP integration', 'zh-CN': 'ERP 集成'}, 4, 6, {vendor: 'R', 'it-lead': 'A', business: 'C', security: 'C'}),
      milestone('m2-integrated', 2, {en: 'CRM and ERP connected', 'zh-CN': 'CRM 与 ERP 已接通'}, 6, {'it-lead': 'A', business: 'R', sponsor: 'I'}),
      task('ai-templates', 3, {en: 'Reply templates by locale and time zone', 'zh-CN': '按语言和时区的回复模板'}, 6, 9, {business: 'R', 'it-lead': 'A', vendor: 'C'}),
      task('ai-decisions', 3, {en: 'AI-assisted decisions and dashboards', 'zh-CN': 'AI 辅助决策与看板'}, 8, 12, {vendor: 'R', sponsor: 'A', business: 'C', security: 'C'}),
      milestone('m3-intelligent', 3, {en: 'Intelligent mail in production', 'zh-CN': '智能邮件投产'}, 12, {sponsor: 'A', 'it-lead': 'R'}),
      task('evidence', 4, {en: 'Evidence preservation: 10-year contract archive', 'zh-CN': '证据留存：合同邮件 10 年归档'}, 12, 18, {security: 'R', 'it-lead': 'A', 'mail-ops': 'R', business: 'C'}),
      task('iot', 4, {en: 'IoT and partner ecosystem links', 'zh-CN': '物联网与合作伙伴生态对接'}, 15, 24, {vendor: 'R', sponsor: 'A', 'it-lead': 'C'}),
      milestone('m4-ecosystem', 4, {en: 'Ecosystem phase complete', 'zh-CN': '生态阶段完成'}, 24, {sponsor: 'A', 'it-lead': 'R', business: 'I'}),
    ],
  },
  enterprise: {
    phases: [
      {name: {en: 'Assessment and architecture', 'zh-CN': '评估与架构'}, startMonth: 0, endMonth: 3, budgetShare: 0.15},
      {name: {en: 'Pilot', 'zh-CN': '试点'}, startMonth: 3, endMonth: 9, budgetShare: 0.3},
      {name: {en: 'Rollout', 'zh-CN': '推广'}, startMonth: 9, endMonth: 15, budgetShare: 0.4},
      {name: {en: 'Evolution', 'zh-CN': '演进'}, startMonth: 15, endMonth: 24, budgetShare: 0.15},
    ],
    tasks: [
      task('baseline-scan', 1, {en: 'Security baseline scan', 'zh-CN': '安全基线扫描'}, 0, 1, {security: 'R', 'it-lead': 'A', consultant: 'C'}),
      task('selection-matrix', 1, {en: 'Technology selection matrix', 'zh-CN': '技术选型矩阵'}, 0, 2, {consultant: 'R', 'it-lead': 'A', business: 'C', sponsor: 'I'}),
      task('raci-matrix', 1, {en: 'RACI matrix agreed', 'zh-CN': '确定 RACI 矩阵'}, 1, 3, {consultant: 'R', sponsor: 'A', 'it-lead': 'C', business: 'C'}),
      milestone('m1-architecture', 1, {en: 'Architecture approved', 'zh-CN': '架构获批'}, 3, {sponsor: 'A', 'it-lead': 'R'}),
      task('poc', 2, {en: 'Proof of concept in 1-2 departments', 'zh-CN': '1-2 个部门概念验证'}, 3, 6, {'mail-ops': 'R', 'it-lead': 'A', business: 'C', vendor: 'C'}),
      task('intelligent-module', 2, {en: 'Deploy intelligent mail module', 'zh-CN': '部署智能邮件模块'}, 5, 8, {vendor: 'R', 'it-lead': 'A', 'mail-ops': 'C'}),
      task('hardening', 2, {en: 'First security hardening', 'zh-CN': '首次安全加固'}, 6, 9, {security: 'R', 'it-lead': 'A', 'mail-ops': 'R'}),
      milestone('m2-pilot-signoff', 2, {en: 'Pilot signed off', 'zh-CN': '试点验收'}, 9, {sponsor: 'A', business: 'R', 'it-lead': 'C'}),
      task('migration', 3, {en: 'Migrate in batches', 'zh-CN': '分批迁移'}, 9, 14, {'mail-ops': 'R', 'it-lead': 'A', business: 'C', vendor: 'C'}),
      task('global-management', 3, {en: 'Unified global management', 'zh-CN': '全球统一管理'}, 10, 15, {'it-lead': 'A', 'mail-ops': 'R', security: 'C'}),
      task('ai-upgrade', 3, {en: 'AI upgrade', 'zh-CN': 'AI 升级'}, 12, 15, {vendor: 'R', 'it-lead': 'A', business: 'C'}),
      milestone('m3-rolled-out', 3, {en: 'All users migrated', 'zh-CN': '全员迁移完成'}, 15, {'it-lead': 'A', 'mail-ops': 'R', sponsor: 'I'}),
      task('quantum-safe', 4, {en: 'Quantum-safe cryptography evaluation', 'zh-CN': '抗量子密码评估'}, 15, 20, {security: 'R', 'it-lead': 'A', vendor: 'C'}),
      task('ecosystem', 4, {en: 'Ecosystem integration', 'zh-CN': '生态集成'}, 16, 22, {vendor: 'R', sponsor: 'A', business: 'C'}),
      task('digitalisation', 4, {en: 'End-to-end digitalisation', 'zh-CN': '端到端数字化'}, 18, 24, {business: 'R', sponsor: 'A', 'it-lead': 'C'}),
      milestone('m4-evolved', 4, {en: 'Programme complete', 'zh-CN': '项目完成'}, 24, {sponsor: 'A', 'it-lead': 'R', business: 'I'}),
    ],
  },
}
