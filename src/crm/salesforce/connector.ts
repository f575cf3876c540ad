import type { ConnectorDeps, CrmConnector, Linked, LinkedOrPending } from '../connector.ts'
import { limiterCapacity } from '../limiter-capacity.ts'
import type { AppointmentState, ContactState, EntityType, MessageState } from '../../mirror/states.ts'
import { CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../errors.ts'
import { createMappingHolder } from '../mapping/mapping-holder.ts'
import type { FieldMapping } from '../mapping/mapping-types.ts'
import { MAX_COLLECTION_SIZE, MAX_RECORDS_PER_CALL, prepareEntries, upsertInBatches } from './batch-upsert.ts'
import { newCallState } from './call-context.ts'
import { upsertCollections } from './composite-upsert.ts'
import { createSalesforceConnection, type SalesforceAuth } from './connection.ts'
import { eraseFromSalesforce } from './erase.ts'
import type { DescribedObject } from './describe-check.ts'
import { toCrmError } from './errors.ts'
import { salesforceObjects, type PersonObject } from './external-id-fields.ts'
import { entityKey } from '../../mirror/entity-ref.ts'
import { salesforceValueGuard } from './keep-crm-values.ts'
import { createLimitBackoff } from './limit-backoff.ts'
import { toSalesforceContact, toSalesforceEvent, toSalesforceTask, type SalesforceRecord } from './mapping.ts'
import { writtenFormOf } from '../written-form.ts'
import { createSalesforceReadBack, type SoqlRecord } from './read-back.ts'
import { writeCollections, type Part } from './write-collections.ts'
import { DEFAULT_SALESFORCE_MAPPING_FILE, loadSalesforceMapping, SALESFORCE_MAPPING_SPEC, salesforceObjectsInUse } from './mapping-spec.ts'
import { checkSalesforceSetup, prepareSalesforce } from './setup.ts'

export type SalesforceConnectorOptions = SalesforceAuth & ConnectorDeps & {
  /** REST API version, e.g. '62.0' (composite upsert needs 46.0+). */
  apiVersion?: string
  /** Cap on access-token re-fetches after 401s (default 3 per minute). */
  maxTokenRefreshesPerMinute?: number
  /** Longest limiter pause after repeated REQUEST_LIMIT_EXCEEDED, which carries no Retry-After (default 30 s). */
  rateLimitPauseMs?: number
  /** Customers become Contacts (default) or Leads (SALESFORCE_PERSON_OBJECT). */
  personObject?: PersonObject
  /** The field mapping (default config/mapping/salesforce.yml; SALESFORCE_MAPPING_FILE). */
  mappingFile?: string
}

export function createSalesforceConnector (options: SalesforceConnectorOptions): CrmConnector {
  const sf = createSalesforceConnection({ ...options, apiVersion: options.apiVersion ?? '62.0' })
  const rateLimitPauseMs = options.rateLimitPauseMs ?? 30_000
  const limitBackoff = createLimitBackoff({ maxMs: rateLimitPauseMs })
  const personObject = options.personObject ?? 'Contact'
  const objects = salesforceObjects(personObject)
  const file = options.mappingFile ?? DEFAULT_SALESFORCE_MAPPING_FILE
  const mapping = createMappingHolder(SALESFORCE_MAPPING_SPEC, file, salesforceObjectsInUse(personObject), () => loadSalesforceMapping(file, personObject))
  const describe = (object: string) => sf.conn.describe(object) as Promise<DescribedObject>
  // Each entity's record body, as every write sends it and `writtenForm` hashes it.
  const toRecord = {
    contact: (c: ContactState, m: FieldMapping) => toSalesforceContact(c, m, personObject),
    message: (x: LinkedOrPending<MessageState>, m: FieldMapping) => toSalesforceTask(x, m),
    appointment: (x: LinkedOrPending<AppointmentState>, m: FieldMapping) => toSalesforceEvent(x, m)
  }

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

  /** A session that keeps failing right after login is an account problem, not a blip. */
  async function setupCall<T> (signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
    try {
      return await call(signal, fn)
    } catch (err) {
      if (err instanceof CrmRetryableError && err.status === 401) throw new CrmSetupError(err.message, { cause: err })
      throw err
    }
  }

  /** The mapping's if_empty fields of one object, checked before each collection is sent. */
  function guardFor (object: string, externalIdField: string) {
    const query = async (soql: string) => (await sf.conn.query<Record<string, unknown>>(soql)).records
    return salesforceValueGuard(query, object, externalIdField, mapping.get().objects[object])
  }

  /** Upserts one entity's records by its External ID, honouring the mapping's if_empty fields. */
  function upsert<T> (entity: EntityType, items: T[], keyOf: (item: T) => string, toRecord: (item: T) => SalesforceRecord) {
    const { object, externalIdField } = objects[entity]
    return upsertInBatches(items, keyOf, toRecord, { object, externalIdField, guard: guardFor(object, externalIdField) }, (collections) => upsertCollections(sf.conn, collections))
  }

  /** One entity's part of a write together: its records keyed by entity key, linked to their contacts where those go too. */
  function part<T> (entity: EntityType, items: T[], idOf: (item: T) => string, toRecord: (item: T) => SalesforceRecord, contactOf?: (item: T) => string | undefined) {
    const { object, externalIdField } = objects[entity]
    const { entries, failures } = prepareEntries(items, (item) => idOf(item) ? entityKey({ type: entity, id: idOf(item) }) : '', toRecord, contactOf)
    return { part: { object, externalIdField, entries, guard: guardFor(object, externalIdField), ...(contactOf ? { linkField: 'WhoId' } : {}) } satisfies Part, failures }
  }

  // autoFetch follows nextRecordsUrl: duplicates can make a query return more rows than ids.
  const readBack = createSalesforceReadBack((soql, signal) => call(signal, async () =>
    (await sf.conn.query<SoqlRecord>(soql, { autoFetch: true, maxFetch: 10_000 })).records))

  return {
    name: 'salesforce',
    budgetUsage: async () => await options.limiter.usage?.() ?? 0,
    capacity: () => limiterCapacity(options.limiter, MAX_RECORDS_PER_CALL, MAX_COLLECTION_SIZE),

    prepare: (signal) => setupCall(signal, () => prepareSalesforce(describe, mapping, Object.values(objects))),
    checkMapping: (signal) => setupCall(signal, () => checkSalesforceSetup(describe, mapping, Object.values(objects))),
    describeMapping: () => mapping.describe(),

    upsertContacts: (contacts, signal) => call(signal, () =>
      upsert('contact', contacts, (c) => c.customerId, (c) => toRecord.contact(c, mapping.get()))),

    upsertMessages: (messages, signal) => call(signal, () =>
      upsert('message', messages, (m) => m.messageId, (m) => toRecord.message(m, mapping.get()))),

    upsertAppointments: (appointments, signal) => call(signal, () =>
      upsert('appointment', appointments, (a) => a.appointmentId, (a) => toRecord.appointment(a, mapping.get()))),

    // Contacts, Tasks and Events in the same Composite requests: a Task or Event whose Contact
    // is new names it as `@{reference[i].id}` (write-collections.ts).
    upsertTogether: ({ contacts, messages, appointments }, signal) => call(signal, async () => {
      const m = mapping.get()
      const pendingContact = (item: { customerId: string, contactCrmId: string | null }) =>
        item.contactCrmId ? undefined : entityKey({ type: 'contact', id: item.customerId })
      const parts = [
        part('contact', contacts, (c) => c.customerId, (c) => toRecord.contact(c, m)),
        part('message', messages, (x) => x.messageId, (x) => toRecord.message(x, m), pendingContact),
        part('appointment', appointments, (x) => x.appointmentId, (x) => toRecord.appointment(x, m), pendingContact)
      ]
      const written = await writeCollections(parts.map((p) => p.part), (collections) => upsertCollections(sf.conn, collections))
      return [...parts.flatMap((p) => p.failures), ...written]
    }),

    // The record body the upserts send (the External ID and WhoId included), and its object.
    writtenForm: (entity, state) => writtenFormOf(() => {
      const m = mapping.get()
      const record = entity === 'contact'
        ? toRecord.contact(state as ContactState, m)
        : entity === 'message' ? toRecord.message(state as Linked<MessageState>, m) : toRecord.appointment(state as Linked<AppointmentState>, m)
      return { object: objects[entity].object, record }
    }),

    eraseCustomer: (target, signal) => call(signal, () => eraseFromSalesforce(sf.conn, target)),
    ...readBack,

    recordUrl (entity, crmId) {
      const instanceUrl = sf.conn.instanceUrl || ('instanceUrl' in options ? options.instanceUrl : '')
      if (!instanceUrl) return undefined
      return `${instanceUrl.replace(/\/+$/, '')}/lightning/r/${objects[entity].object}/${encodeURIComponent(crmId)}/view`
    }
  }
}
