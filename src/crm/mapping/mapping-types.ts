import type { MappedEntity, ValueKind } from './source-fields.ts'
import type { Step } from './steps.ts'

/**
 * A mapping file, parsed and checked: per CRM object (HubSpot `contacts`, Salesforce `Lead`, …)
 * the entries that say which AgentClara field goes into which CRM property, how it is
 * transformed and when it is written.
 */

/**
 * always: written on every sync. if_empty: written only while the CRM's value is empty, so a
 * value someone else set is never overwritten. never: not written (documents a decision).
 */
export type WritePolicy = 'always' | 'if_empty' | 'never'

export interface MappingEntry {
  /** An AgentClara field (see source-fields.ts), or undefined for a constant `value`. */
  source?: string
  value?: string | number | boolean
  steps: Step[]
  /** The CRM property (HubSpot) or field (Salesforce). */
  target: string
  policy: WritePolicy
  /** When the field is known but the result is empty: write it (clears the CRM value) or skip it. */
  empty: 'write' | 'skip'
  /** The kind of value written, checked against the CRM property's type. */
  kind: ValueKind
  /** The values it can produce when they are a known set (a constant, or a map's results). */
  finiteValues?: string[]
  /** 1-based line of the entry in the file, and its place (`customer.contacts[2]`). */
  line: number
  path: string
}

export interface ObjectMapping {
  entity: MappedEntity
  object: string
  line: number
  path: string
  entries: MappingEntry[]
}

export interface FieldMapping {
  /** The file as named in messages (relative to the working directory when inside it). */
  file: string
  objects: Record<string, ObjectMapping>
}

/** What a CRM tells the loader about itself. */
export interface MappingSpec {
  /** 'HubSpot', 'Salesforce': used in messages. */
  crm: string
  /** The object sections allowed under each AgentClara entity. */
  objects: Record<MappedEntity, readonly string[]>
  /** Targets the sync writes itself, per object, with the reason (not configurable). */
  structural: Record<string, Record<string, string>>
  /** Salesforce field names are case-insensitive, HubSpot's are not. */
  caseInsensitive: boolean
}

/** Entries that are written (`always` or `if_empty`). */
export const writtenEntries = (mapping: ObjectMapping): MappingEntry[] => mapping.entries.filter((entry) => entry.policy !== 'never')

/** Targets whose CRM value is kept once set (`if_empty`). */
export const ifEmptyTargets = (mapping: ObjectMapping): string[] => mapping.entries.filter((entry) => entry.policy === 'if_empty').map((entry) => entry.target)

/** Targets written on every sync: what a reconciler can compare with the mirror. */
export const alwaysTargets = (mapping: ObjectMapping): string[] => mapping.entries.filter((entry) => entry.policy === 'always').map((entry) => entry.target)
