import type pg from 'pg'
import { loadAppointments, loadContacts, loadMessages } from '../../../src/mirror/load-state.ts'
import type { AppointmentState, ContactState, MessageState } from '../../../src/mirror/states.ts'
import type { CustomerScript } from './stress-events.ts'

/** The mirror's current state of every entity, read with the loaders the sync workers use. */
export interface MirrorSnapshot {
  contacts: Map<string, ContactState>
  messages: Map<string, MessageState>
  appointments: Map<string, AppointmentState>
}

export async function loadMirror (pool: pg.Pool): Promise<MirrorSnapshot> {
  const ids = async (table: string) => (await pool.query<{ id: string }>(`SELECT id FROM ${table}`)).rows.map((row) => row.id)
  const [customers, messages, appointments] = await Promise.all([ids('customers'), ids('messages'), ids('appointments')])
  return {
    contacts: await loadContacts(pool, customers),
    messages: await loadMessages(pool, messages),
    appointments: await loadAppointments(pool, appointments)
  }
}

export interface MirrorDrift { entity: string, field: string, expected: unknown, actual: unknown }

/**
 * The mirror against what the events say it must converge on (last writer wins by event
 * time, whatever the delivery order): every entity present, every field equal.
 */
export function mirrorDrift (mirror: MirrorSnapshot, scripts: CustomerScript[]): MirrorDrift[] {
  const drift: MirrorDrift[] = []
  const compare = (entity: string, expected: object, actual: object | undefined) => {
    if (!actual) { drift.push({ entity, field: '(missing)', expected: 'present', actual: 'absent' }); return }
    for (const [field, value] of Object.entries(expected)) {
      const got = (actual as Record<string, unknown>)[field]
      if (JSON.stringify(normalize(value)) !== JSON.stringify(normalize(got))) drift.push({ entity, field, expected: value, actual: got })
    }
  }
  for (const { truth } of scripts) {
    compare(`contact:${truth.contact.customerId}`, truth.contact, mirror.contacts.get(truth.contact.customerId))
    for (const message of truth.messages) compare(`message:${message.messageId}`, message, mirror.messages.get(message.messageId))
    compare(`appointment:${truth.appointment.appointmentId}`, truth.appointment, mirror.appointments.get(truth.appointment.appointmentId))
  }
  return drift
}

/** Instants compare as instants (the mirror says .000Z, the events whole seconds). */
function normalize (value: unknown): unknown {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return new Date(value).toISOString()
  return value
}
