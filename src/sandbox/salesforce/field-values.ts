import type { FieldDef } from './schema.ts'
import { SfRequestError, type RecordError } from './sf-errors.ts'

/** Salesforce returns datetimes in UTC with an explicit offset: 2024-03-16T14:00:00.000+0000. */
export function formatSfDateTime (date: Date): string {
  return date.toISOString().replace('Z', '+0000')
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?$/

function parserError (type: string, value: unknown): SfRequestError {
  // Type errors are found while deserialising the body, so Salesforce fails the whole request.
  return new SfRequestError(400, 'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${type} from VALUE_STRING value ${String(value)} or request may be missing a required field`)
}

function parseDateTime (value: string): Date | null {
  if (!DATETIME.test(value)) return null
  // "+0000" (no colon) is what Salesforce itself emits; Date.parse wants "+00:00".
  const date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return Number.isNaN(date.getTime()) ? null : date
}

function isValidDate (value: string): boolean {
  const m = DATE.exec(value)
  if (!m) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

export type Coerced = { ok: true, value: unknown } | { ok: false, error: RecordError }

/**
 * Checks and normalises one field value the way the REST API does. Type mismatches throw
 * (whole request fails); content problems (too long, bad picklist value) fail only the record.
 */
export function coerceFieldValue (field: FieldDef, value: unknown): Coerced {
  if (value === null) return { ok: true, value: null }
  switch (field.type) {
    case 'date':
      if (typeof value !== 'string' || !isValidDate(value)) throw parserError('date', value)
      return { ok: true, value }
    case 'datetime': {
      const date = typeof value === 'string' ? parseDateTime(value) : null
      if (!date) throw parserError('datetime', value)
      return { ok: true, value: formatSfDateTime(date) }
    }
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value)) return { ok: true, value }
      if (typeof value === 'string' && /^-?\d+$/.test(value)) return { ok: true, value: Number(value) }
      throw parserError('int', value)
    case 'boolean':
      if (typeof value !== 'boolean') throw parserError('boolean', value)
      return { ok: true, value }
    default: {
      if (typeof value === 'object') throw parserError(field.type, JSON.stringify(value))
      const text = String(value)
      if (field.length > 0 && text.length > field.length) {
        return fail('STRING_TOO_LONG', `${field.label}: data value too large: ${text.slice(0, 40)} (max length=${field.length})`, field)
      }
      if (field.type === 'email' && text !== '' && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) {
        return fail('INVALID_EMAIL_ADDRESS', `${field.label}: invalid email address: ${text}`, field)
      }
      if (field.restrictedPicklist && !(field.picklistValues ?? []).includes(text)) {
        return fail('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${field.label}: bad value for restricted picklist field: ${text}`, field)
      }
      return { ok: true, value: text }
    }
  }
}

function fail (statusCode: string, message: string, field: FieldDef): Coerced {
  return { ok: false, error: { statusCode, message, fields: [field.name] } }
}
