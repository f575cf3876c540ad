import type { Linked, ReadBack } from '../connector.ts'
import { differingFields } from '../compare-fields.ts'
import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'
import { readAssociatedContacts, readByIdProperty } from './batch-read.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import { messageObjectFor, toHubspotAppointment, toHubspotContact, toHubspotMeeting, toHubspotMessage, type UpsertInput } from './mapping.ts'

/** A record the mapping turned into the input an upsert would send. */
interface Expected { input: UpsertInput, contactCrmId?: string }

/** Records the mapping rejects are not compared: the sync dead-letters them on its own. */
function mapEach<T> (items: T[], toExpected: (item: T) => Expected): Expected[] {
  return items.flatMap((item) => {
    try {
      return [toExpected(item)]
    } catch {
      return []
    }
  })
}

/**
 * Reconciliation reads for HubSpot: batch reads by our id properties, compared property by
 * property with what the SAME mapping functions the upserts use would write now; for
 * messages and appointments also one association read per ≤1000 records found.
 */
export function createHubspotReadBack (apis: HubspotApis, call: HubspotCall, options: { appointmentObject: 'meetings' | 'appointments', defaultMeetingMinutes: number }) {
  async function compare (objectType: string, expected: Expected[], linked: boolean, signal?: AbortSignal): Promise<ReadBack[]> {
    if (expected.length === 0) return []
    const found = await readByIdProperty(apis, call, objectType, expected.map((e) => e.input), signal)
    const crmIds = [...found.values()].map((record) => record.id)
    const contactsOf = linked && crmIds.length > 0 ? await readAssociatedContacts(apis, call, objectType, crmIds, signal) : new Map<string, Set<string>>()
    return expected.map(({ input, contactCrmId }) => {
      const record = found.get(input.id)
      if (!record) return { key: input.id, copies: [] }
      const differences = differingFields(input.properties, record.properties)
      const linkedToContact = linked ? contactsOf.get(record.id)?.has(contactCrmId ?? '') === true : undefined
      return { key: input.id, copies: [{ crmId: record.id, differences, ...(linked ? { linkedToContact } : {}) }] }
    })
  }

  const minutes = options.defaultMeetingMinutes
  const appointmentType = options.appointmentObject === 'appointments' ? '0-421' : 'meetings'
  const toAppointmentInput = options.appointmentObject === 'appointments'
    ? (a: AppointmentState) => toHubspotAppointment(a, minutes)
    : (a: AppointmentState) => toHubspotMeeting(a, minutes)

  return {
    readContacts: (contacts: ContactState[], signal?: AbortSignal) =>
      compare('contacts', mapEach(contacts, (c) => ({ input: toHubspotContact(c) })), false, signal),

    async readMessages (messages: Array<Linked<MessageState>>, signal?: AbortSignal) {
      const results: ReadBack[] = []
      for (const objectType of ['communications', 'notes'] as const) {
        const ofType = messages.filter((m) => messageObjectFor(m.channel) === objectType)
        results.push(...await compare(objectType, mapEach(ofType, (m) => ({ input: toHubspotMessage(m).input, contactCrmId: m.contactCrmId })), true, signal))
      }
      return results
    },

    readAppointments: (appointments: Array<Linked<AppointmentState>>, signal?: AbortSignal) =>
      compare(appointmentType, mapEach(appointments, (a) => ({ input: toAppointmentInput(a), contactCrmId: a.contactCrmId })), true, signal)
  }
}
