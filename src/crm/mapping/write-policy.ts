import type { MappedValue } from './map-record.ts'

/**
 * `if_empty` at write time: given what the CRM holds now (one batched read per batch, see
 * the connectors), drop every if_empty field whose CRM value is not empty. A record the CRM
 * does not have yet (`current` undefined) gets everything: on create there is nothing to protect.
 */

export const isEmptyValue = (value: unknown): boolean => value === null || value === undefined || value === ''

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

/** Equal as the CRM means it: same text, same number, or the same instant however formatted. */
export function sameValue (ours: unknown, theirs: unknown): boolean {
  if (String(ours) === String(theirs)) return true
  if (typeof ours === 'string' && typeof theirs === 'string' && INSTANT.test(ours) && INSTANT.test(theirs)) {
    return Date.parse(ours) === Date.parse(theirs.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  }
  return false
}

/**
 * Returns the values to send and the fields left alone because the CRM holds a different,
 * non-empty value (someone else owns it). A field whose CRM value equals ours is simply not sent.
 */
export function keepCrmValues (
  values: Record<string, MappedValue>,
  ifEmpty: readonly string[],
  current: ((target: string) => unknown) | undefined
): { values: Record<string, MappedValue>, skipped: string[] } {
  if (!current || ifEmpty.length === 0) return { values, skipped: [] }
  const kept: Record<string, MappedValue> = { ...values }
  const skipped: string[] = []
  for (const target of ifEmpty) {
    if (!(target in kept)) continue
    const theirs = current(target)
    if (isEmptyValue(theirs)) continue
    if (!sameValue(kept[target], theirs)) skipped.push(target)
    delete kept[target]
  }
  return { values: kept, skipped }
}
