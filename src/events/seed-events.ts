import { readFileSync } from 'node:fs'
import type { EventType } from './schemas.ts'

/**
 * The five sample deliveries from AgentClara's webhook page, byte for byte as published
 * (`seed/*.json`), in the order the page lists them. The simulator sends them; tests use
 * them as fixtures.
 */
export const seedEventTypes: EventType[] = [
  'conversation.created', 'conversation.updated', 'message.received', 'appointment.booked', 'conversation.closed'
]

export function seedEventBody (type: EventType): string {
  return readFileSync(new URL(`./seed/${type}.json`, import.meta.url), 'utf8')
}

export function seedEvent (type: EventType): { event: EventType, timestamp: string, data: Record<string, unknown> } {
  return JSON.parse(seedEventBody(type))
}
