import type { ConnectorDeps, CrmConnector } from '../connector.ts'
import type { EntityType } from '../../mirror/states.ts'
import { CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../errors.ts'
import { upsertInBatches, type UpsertResultLike } from './batch-upsert.ts'
import { newCallState } from './call-context.ts'
import { createSalesforceConnection, type SalesforceAuth } from './connection.ts'
import { findMissingExternalIdFields, missingFieldsMessage } from './describe-check.ts'
import { eraseFromSalesforce } from './erase.ts'
import { toCrmError } from './errors.ts'
import { createLimitBackoff } from './limit-backoff.ts'
import { SALESFORCE_OBJECTS } from './external-id-fields.ts'
import { toSalesforceContact, toSalesforceEvent, toSalesforceTask, type SalesforceRecord } from './mapping.ts'
import { createSalesforceReadBack, type SoqlRecord } from './read-back.ts'

export type SalesforceConnectorOptions = SalesforceAuth & ConnectorDeps & {
  /** REST API version, e.g. '62.0' (composite upsert needs 46.0+). */
  apiVersion?: string
  /** Cap on access-token re-fetches after 401s (default 3 per minute). */
  maxTokenRefreshesPerMinute?: number
  /** Longest limiter pause after repeated REQUEST_LIMIT_EXCEEDED, which carries no Retry-After (default 30 s). */
  rateLimitPauseMs?: number
}

export function createSalesforceConnector (options: SalesforceConnectorOptions): CrmConnector {
  const sf = createSalesforceConnection({ ...options, apiVersion: options.apiVersion ?? '62.0' })
  const rateLimitPauseMs = options.rateLimitPauseMs ?? 30_000
  const limitBackoff = createLimitBackoff({ maxMs: rateLimitPauseMs })

  /** One connector call: log in if needed, run, map failures to the worker's error types. */
  async function call<T> (signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    const state = newCallState(signal)
    try {
      const result = await sf.run(state, async () => {
        await sf.ensureAuthorised()
        return await fn()
      })
      limitBackoff.reset()
      return result
    } catch (err) {
      const mapped = toCrmError(err, { call: state, refreshError: sf.lastRefreshError(), rateLimitPauseMs: 0 })
      if (mapped instanceof CrmRateLimitedError) {
        const pauseMs = mapped.retryAfterMs || limitBackoff.nextPauseMs()
        await options.limiter.pause(pauseMs)
        throw new CrmRateLimitedError(mapped.message, { status: mapped.status, retryAfterMs: pauseMs, cause: mapped.cause })
      }
      throw mapped
    }
  }

  const upsert = (entity: EntityType) => (records: SalesforceRecord[]) => {
    const { object, externalIdField } = SALESFORCE_OBJECTS[entity]
    // Collections upsert: the External ID values travel in the body, never in a URL path.
    return sf.conn.sobject(object).upsert(records, externalIdField, { allOrNone: false }) as Promise<UpsertResultLike[]>
  }

  // autoFetch follows nextRecordsUrl: duplicates can make a query return more rows than ids.
  const readBack = createSalesforceReadBack((soql, signal) => call(signal, async () =>
    (await sf.conn.query<SoqlRecord>(soql, { autoFetch: true, maxFetch: 10_000 })).records))

  return {
    name: 'salesforce',

    async prepare (signal) {
      try {
        const missing = await call(signal, () => findMissingExternalIdFields((object) => sf.conn.describe(object)))
        if (missing.length > 0) throw new CrmSetupError(missingFieldsMessage(missing))
      } catch (err) {
        // A session that keeps failing right after login is an account problem, not a blip.
        if (err instanceof CrmRetryableError && err.status === 401) throw new CrmSetupError(err.message, { cause: err })
        throw err
      }
    },

    upsertContacts: (contacts, signal) => call(signal, () =>
      upsertInBatches(contacts, (c) => c.customerId, toSalesforceContact, upsert('contact'))),

    upsertMessages: (messages, signal) => call(signal, () =>
      upsertInBatches(messages, (m) => m.messageId, toSalesforceTask, upsert('message'))),

    upsertAppointments: (appointments, signal) => call(signal, () =>
      upsertInBatches(appointments, (a) => a.appointmentId, toSalesforceEvent, upsert('appointment'))),

    eraseCustomer: (target, signal) => call(signal, () => eraseFromSalesforce(sf.conn, target)),
    ...readBack,

    recordUrl (entity, crmId) {
      const instanceUrl = sf.conn.instanceUrl || ('instanceUrl' in options ? options.instanceUrl : '')
      if (!instanceUrl) return undefined
      return `${instanceUrl.replace(/\/+$/, '')}/lightning/r/${SALESFORCE_OBJECTS[entity].object}/${encodeURIComponent(crmId)}/view`
    }
  }
}
