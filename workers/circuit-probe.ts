import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { CrmRateLimitedError } from '../src/crm/errors.ts'
import type { Circuit } from '../src/sync/circuit.ts'
import { requeueWaiting } from '../src/sync/requeue-waiting.ts'
import { startSerialLoop } from './serial-loop.ts'

/**
 * Probes an open circuit now and then (the circuit decides how often, and lets one worker
 * at a time), so parked records heal without an operator and without new traffic. The
 * probe is the connector's `prepare`: idempotent, a few cheap reads.
 */
export function startCircuitProbe (deps: { pool: pg.Pool, boss: PgBoss, connector: CrmConnector, circuit: Circuit, logger: Logger, everyMs?: number }): { stop: () => Promise<void> } {
  return startSerialLoop(deps.everyMs ?? 1000, async () => {
    if (!(await deps.circuit.status()).open || !(await deps.circuit.claimProbe())) return
    try {
      await deps.connector.prepare(AbortSignal.timeout(30_000))
    } catch (error) {
      // "Slow down" is an answer: the CRM is up, and the rate budget takes it from here.
      if (!(error instanceof CrmRateLimitedError)) throw error
    }
    if (await deps.circuit.succeeded()) await requeueWaiting(deps)
  }, (error) => deps.logger.debug({ crm: deps.connector.name, err: error }, 'circuit probe: still unavailable'))
}
