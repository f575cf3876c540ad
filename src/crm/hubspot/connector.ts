import type { ConnectorDeps, CrmConnector, Linked, RecordResult } from '../connector.ts'
import type { AppointmentState, MessageState } from '../../mirror/states.ts'
import { associateDefaultWithContacts, associateWithContacts } from './associate.ts'
import { batchUpsert, coalesce } from './batch-upsert.ts'
import { createHubspotCall } from './call.ts'
import { createHubspotApis } from './client.ts'
import { eraseFromHubspot } from './erase.ts'
import { toHubspotAppointment, toHubspotContact, messageObjectFor, toHubspotMeeting, toHubspotMessage, type UpsertInput } from './mapping.ts'
import { provisionProperties } from './provision.ts'
import { createHubspotReadBack } from './read-back.ts'
import { hubspotRecordUrl } from './record-url.ts'

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
  const readBack = createHubspotReadBack(apis, call, { appointmentObject, defaultMeetingMinutes: options.defaultMeetingMinutes ?? 30 })

  /** Upserts, then links each written record to its contact; results in input order. */
  async function upsertLinked<T> (
    objectType: string,
    items: Array<Linked<T>>,
    keyOf: (item: Linked<T>) => string,
    toInput: (item: Linked<T>) => UpsertInput,
    associate: (pairs: Array<{ key: string, fromId: string, contactId: string }>) => Promise<RecordResult[]>,
    signal?: AbortSignal
  ): Promise<RecordResult[]> {
    const { mapped, failures } = mapEach(items, (item) => keyOf(item), toInput)
    if (mapped.length === 0) return failures
    const contactOf = new Map(mapped.map(({ item, input }) => [input.id, item.contactCrmId]))
    const written = await batchUpsert(apis, call, objectType, mapped.map(({ input }) => input), signal)
    const pairs = written.flatMap((result) => result.ok ? [{ key: result.key, fromId: result.crmId, contactId: contactOf.get(result.key) ?? '' }] : [])
    const failed = new Map((await associate(pairs)).map((failure) => [failure.key, failure]))
    return [...written.map((result) => failed.get(result.key) ?? result), ...failures]
  }

  return {
    name: 'hubspot',

    async prepare (signal) {
      await provisionProperties(apis, call, appointmentObject, signal)
    },

    async upsertContacts (contacts, signal) {
      const { mapped, failures } = mapEach(contacts, (c) => c.customerId, toHubspotContact)
      if (mapped.length === 0) return failures
      return [...await batchUpsert(apis, call, 'contacts', mapped.map(({ input }) => input), signal), ...failures]
    },

    async upsertMessages (messages, signal) {
      const latest = coalesce(messages, (m) => m.messageId)
      const byObject = { communications: [] as Array<Linked<MessageState>>, notes: [] as Array<Linked<MessageState>> }
      for (const message of latest) byObject[messageObjectFor(message.channel)].push(message)
      const results = new Map<string, RecordResult>()
      for (const objectType of ['communications', 'notes'] as const) {
        const written = await upsertLinked(objectType, byObject[objectType], (m) => m.messageId, (m) => toHubspotMessage(m).input,
          (pairs) => associateWithContacts(apis, call, objectType, TO_CONTACT[objectType], pairs, signal), signal)
        for (const result of written) results.set(result.key, result)
      }
      return latest.flatMap((m) => results.get(m.messageId) ?? [])
    },

    upsertAppointments (appointments, signal) {
      const minutes = options.defaultMeetingMinutes ?? 30
      const latest = coalesce(appointments, (a) => a.appointmentId)
      if (appointmentObject === 'appointments') {
        return upsertLinked<AppointmentState>(APPOINTMENTS_OBJECT, latest, (a) => a.appointmentId, (a) => toHubspotAppointment(a, minutes),
          (pairs) => associateDefaultWithContacts(apis, call, APPOINTMENTS_OBJECT, pairs, signal), signal)
      }
      return upsertLinked<AppointmentState>('meetings', latest, (a) => a.appointmentId, (a) => toHubspotMeeting(a, minutes),
        (pairs) => associateWithContacts(apis, call, 'meetings', TO_CONTACT.meetings, pairs, signal), signal)
    },

    eraseCustomer: (target, signal) => eraseFromHubspot(apis, call, appointmentObject, target, signal),
    ...readBack,

    recordUrl: (entity, crmId) => hubspotRecordUrl(options.portalId, appointmentObject, entity, crmId)
  }
}
