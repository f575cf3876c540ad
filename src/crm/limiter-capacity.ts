import type { ConnectorDeps, CrmConnector } from './connector.ts'

type Capacity = ReturnType<NonNullable<CrmConnector['capacity']>>

/**
 * A connector's `capacity()`: what one of its write calls carries, and what its limiter says
 * the budget allows (a limiter that does not say its rate is no bottleneck: Infinity).
 */
export function limiterCapacity (limiter: ConnectorDeps['limiter'], recordsPerCall: number, recordsPerCollection?: number): Capacity {
  return { recordsPerCall, ...(recordsPerCollection ? { recordsPerCollection } : {}), callsPerSecond: limiter.callsPerSecond ?? Infinity, windowCallsPerSecond: limiter.windowCallsPerSecond, windowMs: limiter.windowMs }
}
