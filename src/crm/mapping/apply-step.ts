import type { FlowValue } from './source-fields.ts'
import type { Step } from './steps.ts'

/**
 * Runs one transform. Unknown (null) stays unknown, except through `default`. Date steps throw
 * a RangeError for a value that is not a date: the connector fails that record alone.
 */

/** "John Smith" → John / Smith; "Mary Ann van Dyke" → Mary / Ann van Dyke; one word is a last name. */
export function splitFullName (name: string): { first: string | null, last: string | null } {
  const words = name.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return { first: null, last: null }
  if (words.length === 1) return { first: null, last: words[0] ?? null }
  return { first: words[0] ?? null, last: words.slice(1).join(' ') }
}

function instant (value: FlowValue): number {
  const time = Date.parse(String(value))
  if (Number.isNaN(time)) throw new RangeError(`not a date and time: ${String(value)}`)
  return time
}

/** Spaces, dashes, dots and brackets out, 00 → +; left as it was when it still is not E.164. */
function e164 (phone: string): string {
  const compact = phone.replace(/[\s().-]/g, '').replace(/^00/, '+')
  return /^\+[1-9]\d{6,14}$/.test(compact) ? compact : phone
}

const text = (value: FlowValue): string => Array.isArray(value) ? value.join(', ') : value === null ? '' : String(value)

export function fill (template: string, value: FlowValue, field: (name: string) => FlowValue): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => text(name === 'value' ? value : field(name)))
}

export function applyStep (step: Step, value: FlowValue, field: (name: string) => FlowValue): FlowValue {
  if (step.op === 'default') return value === null || value === '' ? fill(step.template, value, field) : value
  if (value === null) return null
  switch (step.op) {
    case 'first_name': return splitFullName(String(value)).first
    case 'last_name': return splitFullName(String(value)).last
    case 'e164': return e164(String(value))
    case 'iso_datetime': return new Date(instant(value)).toISOString()
    case 'epoch_ms': return instant(value)
    case 'date_only': return new Date(instant(value)).toISOString().slice(0, 10)
    case 'trim': return String(value).trim()
    case 'capitalize': { const s = String(value); return s === '' ? s : s[0]!.toUpperCase() + s.slice(1) }
    case 'whole_number': return Math.max(0, Math.round(Number(value)))
    case 'truncate': { const s = String(value); return s.length > step.max ? s.slice(0, step.max) : s }
    case 'map': return step.values[String(value).toLowerCase()] ?? String(value)
    case 'join': return Array.isArray(value) ? value.join(step.separator) : String(value)
    case 'format': return fill(step.template, value, field)
  }
}
