import type { MappingProblem } from './mapping-problem.ts'
import { writtenEntries, type FieldMapping } from './mapping-types.ts'
import type { ValueKind } from './source-fields.ts'

/** One CRM property/field as the check needs it (each connector translates its CRM's schema). */
export interface TargetField {
  /** The name as the CRM spells it. */
  name: string
  /** The CRM's own type name, for messages. */
  type: string
  /** Kinds of mapped value it takes; empty when a mapping cannot write it at all. */
  accepts: readonly ValueKind[]
  /** Why it cannot be written, when it cannot. */
  readOnly?: string
  /** The only values it takes (HubSpot enumerations, Salesforce restricted picklists). */
  options?: readonly string[]
}

export interface ObjectSchema {
  /** 'HubSpot contacts', 'Salesforce Lead'. */
  label: string
  field: (name: string) => TargetField | undefined
  /** Fields a create must set that the sync does not set itself. */
  required: readonly string[]
  caseInsensitive: boolean
}

const HINTS: Partial<Record<string, string>> = {
  'datetime→date': ' (add the date_only transform)',
  'datetime→number': ' (add the epoch_ms transform)',
  'text→datetime': ' (add the iso_datetime transform if the text is a date)',
  'list→text': ' (add a join transform)'
}

/** Checks one object's entries against the live CRM schema: every problem, with its line. */
export function checkAgainstSchema (mapping: FieldMapping, object: string, schema: ObjectSchema): MappingProblem[] {
  const objectMapping = mapping.objects[object]
  if (!objectMapping) return []
  const problems: MappingProblem[] = []
  const add = (line: number, path: string, message: string) => problems.push({ file: mapping.file, line, path, message })
  for (const entry of writtenEntries(objectMapping)) {
    const at = `${entry.path}.target`
    const field = schema.field(entry.target)
    if (!field) {
      add(entry.line, at, `${schema.label} has no property "${entry.target}": create it in the CRM first, or fix the name`)
      continue
    }
    if (field.readOnly !== undefined) {
      add(entry.line, at, `"${field.name}" is read-only in ${schema.label} (${field.readOnly})`)
      continue
    }
    if (field.accepts.length === 0) {
      add(entry.line, at, `"${field.name}" is a ${field.type} field, which a mapping cannot write`)
      continue
    }
    if (!field.accepts.includes(entry.kind)) {
      const hint = HINTS[`${entry.kind}→${field.accepts[0]}`] ?? ''
      add(entry.line, at, `type mismatch: "${field.name}" is ${field.type} (takes ${field.accepts.join(' or ')}) but this entry gives a ${entry.kind} value${hint}`)
      continue
    }
    if (field.options) {
      if (!entry.finiteValues) {
        add(entry.line, at, `"${field.name}" only takes the values ${field.options.join(', ')}: use a map transform or a constant value`)
      } else {
        const invalid = entry.finiteValues.filter((value) => !field.options?.includes(value))
        if (invalid.length > 0) add(entry.line, at, `${invalid.map((v) => `"${v}"`).join(', ')} not allowed for "${field.name}" (allowed: ${field.options.join(', ')})`)
      }
    }
  }
  const norm = (name: string) => schema.caseInsensitive ? name.toLowerCase() : name
  const mapped = new Set(writtenEntries(objectMapping).map((entry) => norm(entry.target)))
  for (const name of schema.required) {
    if (!mapped.has(norm(name))) {
      add(objectMapping.line, objectMapping.path, `${schema.label} requires "${name}" when a record is created, but no entry writes it: map it (a constant value, or e.g. the customer's name)`)
    }
  }
  return problems
}
