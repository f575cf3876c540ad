import { applyStep } from './apply-step.ts'
import { writtenEntries, type ObjectMapping } from './mapping-types.ts'
import { readSource, type EntityStates, type FlowValue, type MappedEntity, type MappingContext } from './source-fields.ts'

/** A value ready for the CRM; null clears a Salesforce field (HubSpot writes it as ''). */
export type MappedValue = string | number | boolean | null

/**
 * The configured part of one CRM record for one AgentClara state: every `always` and
 * `if_empty` entry, transformed. A field AgentClara does not know (null) is left out, so
 * nothing someone filled in is blanked; a known field whose result is empty is written
 * (clearing the CRM value) unless the entry says `empty: skip`.
 */
export function mapRecord (mapping: ObjectMapping, state: EntityStates[MappedEntity], context: MappingContext): Record<string, MappedValue> {
  const field = (name: string): FlowValue => readSource(mapping.entity, name, state as never, context)
  const values: Record<string, MappedValue> = {}
  for (const entry of writtenEntries(mapping)) {
    const start: FlowValue = entry.source !== undefined ? field(entry.source) : entry.value ?? null
    let value = start
    for (const step of entry.steps) value = applyStep(step, value, field)
    if (value === null || value === '') {
      if (start === null || entry.empty === 'skip') continue
    }
    values[entry.target] = Array.isArray(value) ? value.join(';') : value
  }
  return values
}
