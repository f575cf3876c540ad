import { z } from 'zod'
import { eventTypes } from '../events/schemas.ts'

/**
 * Query and form parameters, validated before they reach SQL (which is parameterised
 * anyway): an unknown value is treated as "no filter", never as an error page.
 */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => value === '' ? undefined : value, schema.optional()).catch(undefined)

export const inboxStatus = z.enum(['received', 'applied', 'waiting', 'failed', 'ignored', 'quarantined', 'suppressed'])
// Any registry name's shape: the CRMs themselves come from the registry, and a name no CRM
// has simply matches nothing.
export const crmName = z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/)
export const entityType = z.enum(['contact', 'message', 'appointment'])
export const eventId = z.string().regex(/^[1-9]\d{0,17}$/)

export const deliveryQuery = z.object({
  status: optional(inboxStatus),
  type: optional(z.string().max(255)),
  before: optional(eventId),
  pii: optional(z.literal('1'))
})

export const customersQuery = z.object({ after: optional(z.string().max(255)) })

/** The dashboard's one search box: an id or (part of) a name. */
export const searchQuery = z.object({ q: optional(z.string().trim().min(1).max(255)) })

export const deadLettersQuery = z.object({
  status: optional(z.enum(['failed', 'quarantined'])),
  type: optional(z.string().max(255)),
  crm: optional(crmName),
  entity: optional(entityType)
})

export const bulkReplayForm = z.object({
  kind: z.enum(['events', 'records']),
  status: optional(z.enum(['failed', 'quarantined'])),
  type: optional(z.string().max(255)),
  crm: optional(crmName),
  entity: optional(entityType)
})

export const recordParams = z.object({ crm: crmName, type: entityType, id: z.string().min(1).max(255) })

/** Event types the filters offer: the ones we know (others can still be typed in the URL). */
export const knownEventTypes: readonly string[] = eventTypes

/**
 * Where to go back to after a replay. Only our own dashboard paths, so a form field can
 * never turn into an open redirect.
 */
export function safeReturnPath (value: unknown, fallback: string): string {
  if (typeof value !== 'string' || value.length > 500) return fallback
  // No `.`/`..` segments: /admin/../x would leave the dashboard.
  return /^\/admin(?:\/(?!\.+(?:[/?]|$))[\w.:-]+)*\/?(?:\?[\w.=&%:+-]*)?$/.test(value) ? value : fallback
}
