import type { EntityType } from './states.ts'

/** Identifies one mirrored entity that a CRM sync job writes. */
export interface EntityRef {
  type: EntityType
  id: string
}

export function entityKey (ref: EntityRef): string {
  return `${ref.type}:${ref.id}`
}
