import type {TargetResult} from '../../src/config/schemas/latency.js'

/** One core and two edges, as an inventory gives them to the route planner. */
export const ROUTE_NODES = [
  {name: 'core1', role: 'core' as const, address: '198.18.0.11'},
  {name: 'edge-eu', role: 'edge' as const, address: '198.18.0.12'},
  {name: 'edge-af', role: 'edge' as const, address: '198.18.0.13'},
]

const stats = (p50: number | null, loss = 0, p95 = p50) => ({sent: 20, n: p50 === null ? 0 : 20, min: p50, p50, mean: p50, p95, max: p95, stddev: 0, jitter: 0, loss})

/** A matrix row measured from `from` to destination `id` (its MX mx.ID unless another host is given). */
export const matrixRow = (from: string, id: string, p50: number | null, options: {loss?: number; p95?: number; probe?: 'icmp' | 'tcp' | 'smtp'; host?: string; tls?: boolean} = {}): TargetResult => ({
  id,
  host: options.host ?? `mx.${id}`,
  probe: options.probe ?? 'icmp',
  from,
  stats: stats(p50, options.loss ?? 0, options.p95 ?? p50 ?? undefined),
  ...(options.probe === 'smtp' ? {phases: {connect: stats(p50), ...(options.tls === false ? {} : {starttls: stats(1)})}} : {}),
})

/** The core 5 ms from both edges. */
export const HOPS = [matrixRow('core1', 'edge-eu', 5, {host: '198.18.0.12'}), matrixRow('core1', 'edge-af', 5, {host: '198.18.0.13'})]

/** Destinations each near another node: example.co.za near edge-af, example.de near edge-eu, example.com near the core. */
export const ROUTE_MATRIX: TargetResult[] = [
  ...HOPS,
  matrixRow('core1', 'example.co.za', 180),
  matrixRow('edge-eu', 'example.co.za', 160),
  matrixRow('edge-af', 'example.co.za', 20),
  matrixRow('core1', 'example.de', 90),
  matrixRow('edge-eu', 'example.de', 10),
  matrixRow('edge-af', 'example.de', 150),
  matrixRow('core1', 'example.com', 8),
  matrixRow('edge-eu', 'example.com', 40),
  matrixRow('edge-af', 'example.com', 60),
]
