import { trace } from '@opentelemetry/api'
import type { CrmConnector, RecordResult, WriteHints } from '../crm/connector.ts'
import { inSpan } from '../tracing/tracer.ts'

type Write = 'upsertContacts' | 'upsertMessages' | 'upsertAppointments' | 'upsertTogether'

/**
 * The connector with a span around each write (its HTTP calls nest inside). A write that
 * runs again in the same sync batch is the in-call retry of a failed one: `crm.attempt`
 * counts them, so a retried CRM call shows as attempt 1 (failed) and attempt 2.
 */
export function tracedConnector (connector: CrmConnector): CrmConnector {
  const attempts = new WeakMap<object, Map<Write, number>>()
  const nextAttempt = (write: Write): number => {
    const batch = trace.getActiveSpan()
    if (!batch) return 1
    const counts = attempts.get(batch) ?? new Map<Write, number>()
    attempts.set(batch, counts)
    const attempt = (counts.get(write) ?? 0) + 1
    counts.set(write, attempt)
    return attempt
  }
  const traced = <S>(write: Write, call: (states: S[], signal?: AbortSignal, hints?: WriteHints) => Promise<RecordResult[]>) =>
    (states: S[], signal?: AbortSignal, hints?: WriteHints) => inSpan(`${connector.name} ${write}`, {
      attributes: { 'crm.name': connector.name, 'crm.operation': write, 'crm.records': states.length, 'crm.attempt': nextAttempt(write) }
    }, async (span) => {
      const results = await call(states, signal, hints)
      span.setAttribute('crm.records_failed', results.filter((result) => !result.ok).length)
      return results
    })

  const together = connector.upsertTogether
  // Connectors are plain objects of closures: everything else (erasure, read-back, mapping)
  // passes through as it is.
  return {
    ...connector,
    upsertContacts: traced('upsertContacts', (states, signal) => connector.upsertContacts(states, signal)),
    upsertMessages: traced('upsertMessages', (states, signal, hints) => connector.upsertMessages(states, signal, hints)),
    upsertAppointments: traced('upsertAppointments', (states, signal, hints) => connector.upsertAppointments(states, signal, hints)),
    ...(together
      ? {
          // One span for the lot; `crm.records` counts contacts, messages and appointments together.
          upsertTogether: async (records, signal) => {
            const all = [...records.contacts, ...records.messages, ...records.appointments]
            return await traced<unknown>('upsertTogether', async (_states, s) => await together(records, s))(all, signal)
          }
        }
      : {})
  }
}
