import type pg from 'pg'
import type { AgentClaraEvent } from '../events/schemas.ts'
import type { EntityRef } from './entity-ref.ts'
import { ConversationNotKnownYet } from './errors.ts'
import { customerOfConversation, updateConversation, upsertAppointment, upsertConversation, upsertCustomer, upsertMessage } from './upserts.ts'

/** Minutes an appointment lasts when AgentClara does not say (its payload has no duration). */
export const DEFAULT_APPOINTMENT_MINUTES = 60

/**
 * Merges one event into the local mirror and returns the entities whose CRM state may
 * have changed. Idempotent: applying an event twice, or an older one after a newer one,
 * changes nothing. Throws ConversationNotKnownYet when it needs a conversation we have
 * not seen, so it can wait and retry instead of landing on a wrong contact.
 */
export async function applyEvent (db: pg.ClientBase, event: AgentClaraEvent): Promise<EntityRef[]> {
  const at = event.timestamp
  switch (event.event) {
    case 'conversation.created': {
      const { data } = event
      await upsertCustomer(db, { id: data.customer_id, name: data.customer_name, at })
      await upsertConversation(db, { id: data.conversation_id, customerId: data.customer_id, channel: data.channel, status: data.status, at })
      return [{ type: 'contact', id: data.customer_id }]
    }
    case 'conversation.updated': {
      const { data } = event
      const customerId = await updateConversation(db, { id: data.conversation_id, status: data.status, tags: data.tags, at })
      if (!customerId) throw new ConversationNotKnownYet(data.conversation_id)
      await upsertCustomer(db, { id: customerId, at })
      return [{ type: 'contact', id: customerId }]
    }
    case 'conversation.closed': {
      const { data } = event
      await upsertCustomer(db, { id: data.customer_id, at })
      await upsertConversation(db, {
        id: data.conversation_id, customerId: data.customer_id, status: 'closed', closedAt: data.closed_at ?? at, closeReason: data.reason, at
      })
      return [{ type: 'contact', id: data.customer_id }]
    }
    case 'message.received': {
      const { data } = event
      const customerId = await customerOfConversation(db, data.conversation_id)
      if (!customerId) throw new ConversationNotKnownYet(data.conversation_id)
      await upsertMessage(db, { id: data.message_id, conversationId: data.conversation_id, sender: data.sender, content: data.content, channel: data.channel, at })
      await upsertCustomer(db, { id: customerId, at })
      return [{ type: 'contact', id: customerId }, { type: 'message', id: data.message_id }]
    }
    case 'appointment.booked': {
      const { data } = event
      await upsertCustomer(db, { id: data.customer_id, name: data.customer_name, phone: data.customer_phone, at })
      // It names both ids, so it also tells us whose conversation this is.
      if (data.conversation_id) await upsertConversation(db, { id: data.conversation_id, customerId: data.customer_id, at })
      await upsertAppointment(db, {
        id: data.appointment_id,
        customerId: data.customer_id,
        conversationId: data.conversation_id,
        startsAt: data.appointment_time,
        durationMinutes: data.duration_minutes ?? DEFAULT_APPOINTMENT_MINUTES,
        service: data.service,
        at
      })
      return [{ type: 'contact', id: data.customer_id }, { type: 'appointment', id: data.appointment_id }]
    }
  }
}
