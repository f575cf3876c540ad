import type { EventType } from '../events/schemas.ts'
import { seedEventBody } from '../events/seed-events.ts'

/** One event as the simulator sends it: the exact body bytes (signed as they are) and its type. */
export interface SimEvent {
  type: EventType
  body: string
}

/** The vendor's sample events, byte for byte as published, in the order given. */
export function seedSimEvents (types: readonly EventType[]): SimEvent[] {
  return types.map((type) => ({ type, body: seedEventBody(type) }))
}
