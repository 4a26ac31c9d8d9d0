import type {TSchema} from '@sinclair/typebox'

import {Answers, AnswersFile} from './answers.js'
import {BackupManifest, BackupReport, RestoreReport} from './backup.js'
import {Blueprint} from './blueprint.js'
import {DrillReport} from './drill.js'
import {ErrorReport} from './error.js'
import {Inventory} from './inventory.js'
import {AssessReport, AuditVerifyReport, BlueprintList, EvidencePack, TraceReport, DeployReport, DnsReport, ExecReport, LabDownReport, LabStatusReport, LabUpReport, MatrixReport, VerifyChecks, VerifyReport} from './reports.js'
import {LatencyReport} from './latency.js'
import {PlanFile, PlanReport} from './plan.js'
import {RouteApplyReport, RoutePlan} from './route.js'
import {Provider, ProvidersFile} from './providers.js'
import {ScoreReport} from './score.js'
import {TargetsFile} from './targets.js'
import {TcoReport, TcoScenario} from './tco.js'
import {WeightsFile} from './weights.js'

/**
 * Every input file and --json output mailops has, by the name `mailops schema` uses. These
 * TypeBox definitions are the source: `npm run schemas` writes them as plain JSON Schema to
 * schemas.generated.json, which is what the CLI loads (TypeBox itself costs ≈100 ms of start-up).
 */
export const SCHEMAS: Record<string, {kind: 'input' | 'output' | 'internal'; schema: TSchema; description: string}> = {
  'answers': {kind: 'input', schema: AnswersFile, description: 'assess --answers: any subset of the answers; assess saves them all'},
  'answers-complete': {kind: 'internal', schema: Answers, description: 'every answer an assessment needs'},
  'weights': {kind: 'input', schema: WeightsFile, description: 'score --weights: dimension weights or AHP matrix'},
  'providers': {kind: 'input', schema: ProvidersFile, description: 'score/tco --providers: provider catalog overrides'},
  'provider': {kind: 'internal', schema: Provider, description: 'a complete provider, after a providers file is laid over the catalog'},
  'tco-scenario': {kind: 'input', schema: TcoScenario, description: 'tco --scenario: company and cost assumptions'},
  'plan': {kind: 'input', schema: PlanFile, description: 'plan --plan: variant, phases, roles, tasks'},
  'blueprint': {kind: 'input', schema: Blueprint, description: 'blueprints/NAME/blueprint.yaml: packages, files, validators, services, variables'},
  'inventory': {kind: 'input', schema: Inventory, description: 'exec/deploy/verify -i: hosts, SSH access, roles'},
  'targets': {kind: 'input', schema: TargetsFile, description: 'latency --targets: hosts, ports, probes, zones; route targets --json prints one'},
  'latency-report': {kind: 'output', schema: LatencyReport, description: 'latency --json; score --latency reads it'},
  'score-report': {kind: 'output', schema: ScoreReport, description: 'score --json'},
  'tco-report': {kind: 'output', schema: TcoReport, description: 'tco --json; score --tco reads it'},
  'plan-report': {kind: 'output', schema: PlanReport, description: 'plan --json'},
  'deploy-report': {kind: 'output', schema: DeployReport, description: 'deploy --json'},
  'dns-report': {kind: 'output', schema: DnsReport, description: 'dns --json'},
  'audit-verify-report': {kind: 'output', schema: AuditVerifyReport, description: 'audit verify --json'},
  'trace-report': {kind: 'output', schema: TraceReport, description: 'trace --json'},
  'route-plan': {kind: 'output', schema: RoutePlan, description: 'route plan --json; route plan --current reads one (the plan deployed now)'},
  'route-apply-report': {kind: 'output', schema: RouteApplyReport, description: 'route apply --json'},
  'drill-report': {kind: 'output', schema: DrillReport, description: 'drill --json'},
  'backup-report': {kind: 'output', schema: BackupReport, description: 'backup --json'},
  'restore-report': {kind: 'output', schema: RestoreReport, description: 'restore --json'},
  'backup-manifest': {kind: 'internal', schema: BackupManifest, description: "manifest.json inside a backup archive: each folder's messages and their SHA-256"},
  'evidence-pack': {kind: 'output', schema: EvidencePack, description: 'verify --evidence DIR: DIR/evidence.json'},
  'blueprint-list': {kind: 'output', schema: BlueprintList, description: 'blueprint list --json (blueprint show --json: schema blueprint)'},
  'assess-report': {kind: 'output', schema: AssessReport, description: 'assess --json'},
  'matrix-report': {kind: 'output', schema: MatrixReport, description: 'matrix --json'},
  'verify-report': {kind: 'output', schema: VerifyReport, description: 'verify --json'},
  'verify-checks': {kind: 'output', schema: VerifyChecks, description: 'verify --list --json'},
  'exec-report': {kind: 'output', schema: ExecReport, description: 'exec --json'},
  'lab-up-report': {kind: 'output', schema: LabUpReport, description: 'lab up --json'},
  'lab-down-report': {kind: 'output', schema: LabDownReport, description: 'lab down --json'},
  'lab-status-report': {kind: 'output', schema: LabStatusReport, description: 'lab status --json'},
  'error': {kind: 'output', schema: ErrorReport, description: 'any command --json, when it fails'},
}

/** All schemas as plain JSON Schema 2020-12 documents, each with its $schema and $id. */
export function generatedSchemas(): string {
  const entries = Object.entries(SCHEMAS).map(([name, {kind, description, schema}]) => [
    name,
    {kind, description, schema: {$schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:mailops:schema:${name}`, ...JSON.parse(JSON.stringify(schema))}},
  ])
  return JSON.stringify(Object.fromEntries(entries), null, 2) + '\n'
}
