import type { ConnectorDeps, CrmConnector, Linked, RecordResult, WriteHints } from '../connector.ts'
import { limiterCapacity } from '../limiter-capacity.ts'
import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'
import { createMappingHolder } from '../mapping/mapping-holder.ts'
import type { FieldMapping } from '../mapping/mapping-types.ts'
import { associateDefaultWithContacts, associateWithContacts } from './associate.ts'
import { batchCreateLinked, type NewLinked } from './batch-create.ts'
import { batchUpsert, coalesce, MAX_BATCH } from './batch-upsert.ts'
import { createHubspotCall } from './call.ts'
import { createHubspotApis } from './client.ts'
import { eraseFromHubspot } from './erase.ts'
import { crmValueGuard } from './keep-crm-values.ts'
import { toHubspotAppointment, toHubspotContact, messageObjectFor, toHubspotMeeting, toHubspotMessage, type UpsertInput } from './mapping.ts'
import { DEFAULT_HUBSPOT_MAPPING_FILE, HUBSPOT_MAPPING_SPEC, hubspotObjectsInUse, loadHubspotMapping } from './mapping-spec.ts'
import { createHubspotReadBack } from './read-back.ts'
import { hubspotRecordUrl } from './record-url.ts'
import { writtenFormOf } from '../written-form.ts'
import { checkHubspotSetup, prepareHubspot } from './setup.ts'

export interface HubspotConnectorOptions extends ConnectorDeps {
  accessToken: string
  /** https://api.hubapi.com, or a sandbox URL. */
  baseUrl?: string
  /** Where appointments go: engagements (`meetings`, default) or the Appointments object 0-421. */
  appointmentObject?: 'meetings' | 'appointments'
  /** Used when an appointment has no duration. */
  defaultMeetingMinutes?: number
  /** For links to records in HubSpot's UI. */
  portalId?: string | number
  /** The field mapping (default config/mapping/hubspot.yml; HUBSPOT_MAPPING_FILE). */
  mappingFile?: string
}

/** HUBSPOT_DEFINED association types to a contact. */
const TO_CONTACT = { communications: 81, notes: 202, meetings: 200 } as const

const APPOINTMENTS_OBJECT = '0-421'

/** A record that cannot be mapped (e.g. an unparsable instant) fails alone, permanently. */
function mapEach<T> (items: T[], keyOf: (item: T) => string, toInput: (item: T) => UpsertInput) {
  const mapped: Array<{ item: T, input: UpsertInput }> = []
  const failures: RecordResult[] = []
  for (const item of items) {
    try {
      mapped.push({ item, input: toInput(item) })
    } catch (err) {
      failures.push({ key: keyOf(item), ok: false, error: `cannot map for HubSpot: ${err instanceof Error ? err.message : String(err)}`, retryable: false })
    }
  }
  return { mapped, failures }
}

export function createHubspotConnector (options: HubspotConnectorOptions): CrmConnector {
  const baseUrl = options.baseUrl ?? 'https://api.hubapi.com'
  const appointmentObject = options.appointmentObject ?? 'meetings'
  const apis = createHubspotApis({ accessToken: options.accessToken, baseUrl, timeoutMs: options.timeoutMs })
  const call = createHubspotCall(options)
  const meetingMinutes = options.defaultMeetingMinutes ?? 30
  const readBack = createHubspotReadBack(apis, call, { appointmentObject, defaultMeetingMinutes: meetingMinutes })
  const file = options.mappingFile ?? DEFAULT_HUBSPOT_MAPPING_FILE
  const mapping = createMappingHolder(HUBSPOT_MAPPING_SPEC, file, hubspotObjectsInUse(appointmentObject), () => loadHubspotMapping(file, appointmentObject))
  /** An appointment's upsert input for the object appointments go to, as the writes send it and `writtenForm` hashes it. */
  const appointmentInput = (a: AppointmentState, fields: FieldMapping) => appointmentObject === 'appointments'
    ? toHubspotAppointment(a, meetingMinutes, fields)
    : toHubspotMeeting(a, meetingMinutes, fields)

  /**
   * Writes records linked to their contact; results in input order. Records the sync knows
   * are new go in a batch create with the association inline (one call per 100 instead of
   * two); the others — and any create HubSpot refuses because the record exists after all —
   * are upserted (honouring if_empty) and then associated in a follow-up call.
   */
  async function upsertLinked<T> (
    section: string,
    objectType: string,
    items: Array<Linked<T>>,
    keyOf: (item: Linked<T>) => string,
    toInput: (item: Linked<T>) => UpsertInput,
    associate: (pairs: Array<{ key: string, fromId: string, contactId: string }>) => Promise<RecordResult[]>,
    signal?: AbortSignal,
    inline?: { associationTypeId: number, newKeys?: ReadonlySet<string> }
  ): Promise<RecordResult[]> {
    const { mapped, failures } = mapEach(items, (item) => keyOf(item), toInput)
    if (mapped.length === 0) return failures
    const contactOf = new Map(mapped.map(({ item, input }) => [input.id, item.contactCrmId]))
    const guard = crmValueGuard(apis, call, objectType, mapping.get().objects[section], signal)
    const fresh: NewLinked[] = inline?.newKeys
      ? mapped.filter(({ input }) => inline.newKeys?.has(input.id)).map(({ item, input }) => ({ input, contactId: item.contactCrmId }))
      : []
    const created = fresh.length > 0 && inline
      ? await batchCreateLinked(apis, call, objectType, inline.associationTypeId, fresh, signal)
      : { results: [], fallback: [] }
    // A new record has no CRM value an if_empty field could keep.
    const createdResults = guard ? created.results.map((r) => r.ok ? { ...r, skipped: [] } : r) : created.results
    const freshKeys = new Set(fresh.map((item) => item.input.id))
    const fallbackKeys = new Set(created.fallback.map((item) => item.input.id))
    const toUpsert = mapped.filter(({ input }) => !freshKeys.has(input.id) || fallbackKeys.has(input.id))
    const written = toUpsert.length > 0 ? await batchUpsert(apis, call, objectType, toUpsert.map(({ input }) => input), signal, guard) : []
    const pairs = written.flatMap((result) => result.ok ? [{ key: result.key, fromId: result.crmId, contactId: contactOf.get(result.key) ?? '' }] : [])
    const failed = new Map((pairs.length > 0 ? await associate(pairs) : []).map((failure) => [failure.key, failure]))
    const byKey = new Map([...createdResults, ...written.map((result) => failed.get(result.key) ?? result)].map((result) => [result.key, result]))
    return [...mapped.flatMap(({ input }) => byKey.get(input.id) ?? []), ...failures]
  }

  return {
    name: 'hubspot',

    prepare: (signal) => prepareHubspot(apis, call, mapping, appointmentObject, signal),
    checkMapping: (signal) => checkHubspotSetup(apis, call, mapping, appointmentObject, signal),
    describeMapping: () => mapping.describe(),

    async upsertContacts (contacts, signal) {
      const fields = mapping.get()
      const { mapped, failures } = mapEach(contacts, (c) => c.customerId, (c) => toHubspotContact(c, fields))
      if (mapped.length === 0) return failures
      const guard = crmValueGuard(apis, call, 'contacts', fields.objects.contacts, signal)
      return [...await batchUpsert(apis, call, 'contacts', mapped.map(({ input }) => input), signal, guard), ...failures]
    },

    async upsertMessages (messages, signal, hints?: WriteHints) {
      const fields = mapping.get()
      const latest = coalesce(messages, (m) => m.messageId)
      const byObject = { communications: [] as Array<Linked<MessageState>>, notes: [] as Array<Linked<MessageState>> }
      for (const message of latest) byObject[messageObjectFor(message.channel)].push(message)
      const results = new Map<string, RecordResult>()
      for (const objectType of ['communications', 'notes'] as const) {
        const written = await upsertLinked(objectType, objectType, byObject[objectType], (m) => m.messageId, (m) => toHubspotMessage(m, fields).input,
          (pairs) => associateWithContacts(apis, call, objectType, TO_CONTACT[objectType], pairs, signal), signal,
          { associationTypeId: TO_CONTACT[objectType], newKeys: hints?.newKeys })
        for (const result of written) results.set(result.key, result)
      }
      return latest.flatMap((m) => results.get(m.messageId) ?? [])
    },

    upsertAppointments (appointments, signal, hints?: WriteHints) {
      const fields = mapping.get()
      const latest = coalesce(appointments, (a) => a.appointmentId)
      if (appointmentObject === 'appointments') {
        return upsertLinked<AppointmentState>('appointments', APPOINTMENTS_OBJECT, latest, (a) => a.appointmentId, (a) => appointmentInput(a, fields),
          (pairs) => associateDefaultWithContacts(apis, call, APPOINTMENTS_OBJECT, pairs, signal), signal)
      }
      return upsertLinked<AppointmentState>('meetings', 'meetings', latest, (a) => a.appointmentId, (a) => appointmentInput(a, fields),
        (pairs) => associateWithContacts(apis, call, 'meetings', TO_CONTACT.meetings, pairs, signal), signal,
        { associationTypeId: TO_CONTACT.meetings, newKeys: hints?.newKeys })
    },

    // The upsert input (id property, properties) and, for a message or meeting, its object and
    // the contact it is associated with.
    writtenForm: (entity, state) => writtenFormOf(() => {
      const fields = mapping.get()
      if (entity === 'contact') return toHubspotContact(state as ContactState, fields)
      if (entity === 'message') {
        const message = state as Linked<MessageState>
        return { ...toHubspotMessage(message, fields), contactId: message.contactCrmId }
      }
      const appointment = state as Linked<AppointmentState>
      return { object: appointmentObject, input: appointmentInput(appointment, fields), contactId: appointment.contactCrmId }
    }),

    eraseCustomer: (target, signal) => eraseFromHubspot(apis, call, appointmentObject, target, signal),
    ...readBack,

    budgetUsage: async () => await options.limiter.usage?.() ?? 0,
    capacity: () => limiterCapacity(options.limiter, MAX_BATCH),
    recordUrl: (entity, crmId) => hubspotRecordUrl(options.portalId, appointmentObject, entity, crmId)
  }
}
