/**
 * HubSpot-defined association types between the objects we use. Types are directional:
 * communication→contact is 81 and its inverse contact→communication is 82. Associating one
 * way makes the inverse visible from the other side, as in HubSpot.
 * (0-421 appointment↔contact 906/907: 906 is what public integrations use; 907 is assumed.)
 */
const TYPES = [
  { from: '0-18', to: '0-1', typeId: 81, inverse: 82 },
  { from: '0-46', to: '0-1', typeId: 202, inverse: 201 },
  { from: '0-47', to: '0-1', typeId: 200, inverse: 199 },
  { from: '0-421', to: '0-1', typeId: 906, inverse: 907 }
]

export interface AssociationType { typeId: number, inverse: number }

/** The HUBSPOT_DEFINED types from one object type to another; the first is the default. */
export function associationTypes (fromTypeId: string, toTypeId: string): AssociationType[] {
  const forward = TYPES.filter((t) => t.from === fromTypeId && t.to === toTypeId)
    .map((t) => ({ typeId: t.typeId, inverse: t.inverse }))
  const backward = TYPES.filter((t) => t.from === toTypeId && t.to === fromTypeId)
    .map((t) => ({ typeId: t.inverse, inverse: t.typeId }))
  return [...forward, ...backward]
}

/** For associations given inline on create: which object type a type id points to. */
export function associationTarget (fromTypeId: string, typeId: number): { toTypeId: string, inverse: number } | undefined {
  for (const t of TYPES) {
    if (t.from === fromTypeId && t.typeId === typeId) return { toTypeId: t.to, inverse: t.inverse }
    if (t.to === fromTypeId && t.inverse === typeId) return { toTypeId: t.from, inverse: t.typeId }
  }
  return undefined
}
