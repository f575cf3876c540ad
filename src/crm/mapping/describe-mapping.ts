import { MappingFileError } from './mapping-problem.ts'
import type { FieldMapping, MappingSpec } from './mapping-types.ts'
import { describeStep } from './steps.ts'

/** The effective mapping of one CRM as the dashboard shows it (read-only). */
export interface MappingDescription {
  crm: string
  file: string
  /** Set when the file cannot be used: the CRM's sync is then disabled. */
  error?: string
  objects: Array<{
    entity: string
    object: string
    /** Whether this deployment writes the object (e.g. Contact vs Lead). */
    inUse: boolean
    fields: Array<{ line: number, source: string, transform: string, target: string, policy: string, empty: string }>
  }>
  structural: Array<{ object: string, target: string, why: string }>
}

export function describeMapping (spec: MappingSpec, mapping: FieldMapping, inUse: readonly string[]): MappingDescription {
  return {
    crm: spec.crm,
    file: mapping.file,
    objects: Object.values(mapping.objects).map((object) => ({
      entity: object.entity,
      object: object.object,
      inUse: inUse.includes(object.object),
      fields: object.entries.map((entry) => ({
        line: entry.line,
        source: entry.source ?? `constant "${String(entry.value)}"`,
        transform: entry.steps.map(describeStep).join(' → ') || '—',
        target: entry.target,
        policy: entry.policy,
        empty: entry.empty
      }))
    })),
    structural: structuralOf(spec, inUse)
  }
}

export function describeMappingError (spec: MappingSpec, file: string, error: unknown, inUse: readonly string[]): MappingDescription {
  const message = error instanceof MappingFileError || error instanceof Error ? error.message : String(error)
  return { crm: spec.crm, file, error: message, objects: [], structural: structuralOf(spec, inUse) }
}

function structuralOf (spec: MappingSpec, inUse: readonly string[]) {
  return Object.entries(spec.structural)
    .filter(([object]) => inUse.includes(object))
    .flatMap(([object, targets]) => Object.entries(targets).map(([target, why]) => ({ object, target, why })))
}
