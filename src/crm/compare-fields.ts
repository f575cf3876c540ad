import type { FieldDifference } from './connector.ts'

// An ISO 8601 instant as our mappings write it, or as CRMs return it: 2024-03-16T14:00:00Z,
// …00.000Z, …00.000+0000 (Salesforce), …00+00:00.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/

const isEmpty = (value: unknown) => value === null || value === undefined || value === ''

function instant (value: unknown): number {
  if (typeof value === 'number') return value
  const text = String(value)
  // HubSpot may answer a datetime as epoch milliseconds; Salesforce writes "+0000" without a colon.
  if (/^\d+$/.test(text)) return Number(text)
  return INSTANT.test(text) ? Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN
}

/**
 * Whether the CRM holds the value we would write. Empty values (null, missing, '') are the
 * same; an instant is compared as an instant (CRMs reformat them), a number as a number
 * (HubSpot answers every property as a string); everything else as exact text.
 */
export function sameValue (expected: unknown, actual: unknown): boolean {
  if (isEmpty(expected) || isEmpty(actual)) return isEmpty(expected) && isEmpty(actual)
  if (typeof expected === 'number') return Number(actual) === expected
  if (typeof expected === 'boolean') return String(actual) === String(expected)
  if (typeof expected === 'string' && INSTANT.test(expected)) return instant(expected) === instant(actual)
  return String(expected) === String(actual)
}

/** The fields of `expected` (what the mapping writes) whose CRM value differs, minus `skip`. */
export function differingFields (expected: Record<string, unknown>, actual: Record<string, unknown>, skip: readonly string[] = []): FieldDifference[] {
  return Object.entries(expected)
    .filter(([field, value]) => !skip.includes(field) && !sameValue(value, actual[field]))
    .map(([field, value]) => ({ field, expected: value, actual: actual[field] ?? null }))
}
