import type { EntityType } from './states.ts'

/** Identifies one mirrored entity that a CRM sync job writes. */
export interface EntityRef {
  type: EntityType
  id: string
}

export function entityKey (ref: EntityRef): string {
  return `${ref.type}:${ref.id}`
}

/** The entity an `entityKey` names (the id may itself contain colons: only the first one separates). */
export function parseEntityKey (key: string): EntityRef {
  const separator = key.indexOf(':')
  return { type: key.slice(0, separator) as EntityType, id: key.slice(separator + 1) }
}
