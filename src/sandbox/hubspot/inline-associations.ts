import { associationTarget } from './association-types.ts'
import { SandboxHttpError } from './errors.ts'
import { OBJECT_TYPES, type ObjectType } from './object-types.ts'
import type { HubspotStore } from './store.ts'

export interface InlineAssociation { to?: { id?: unknown }, types?: Array<{ associationCategory?: unknown, associationTypeId?: unknown }> }

/**
 * Checks the `associations` a create request carries (only create accepts them; batch
 * upsert has no such field) and returns a function that applies them once the record exists.
 */
export function prepareInlineAssociations (store: HubspotStore, fromType: ObjectType, input: unknown): (fromId: string) => void {
  if (input === undefined || input === null) return () => {}
  if (!Array.isArray(input)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'associations must be an array')
  const planned: Array<{ toType: ObjectType, toId: string, typeId: number, inverse: number }> = []
  for (const association of input as InlineAssociation[]) {
    const toId = String(association.to?.id ?? '')
    for (const spec of association.types ?? []) {
      const typeId = Number(spec.associationTypeId)
      const target = spec.associationCategory === 'HUBSPOT_DEFINED' ? associationTarget(fromType.id, typeId) : undefined
      const toType = OBJECT_TYPES.find((t) => t.id === target?.toTypeId)
      if (!target || !toType) {
        throw new SandboxHttpError(400, 'VALIDATION_ERROR', `${String(spec.associationCategory)} ${typeId} is not a valid association type from ${fromType.name}`)
      }
      if (!store.objects(toType).has(toId)) {
        throw new SandboxHttpError(400, 'VALIDATION_ERROR', `No ${toType.name} with ID ${toId} exist`)
      }
      planned.push({ toType, toId, typeId, inverse: target.inverse })
    }
  }
  return (fromId) => {
    for (const p of planned) {
      store.associate({
        fromObjectTypeId: fromType.id,
        fromObjectId: fromId,
        toObjectTypeId: p.toType.id,
        toObjectId: p.toId,
        associationTypeId: p.typeId,
        associationCategory: 'HUBSPOT_DEFINED'
      }, p.inverse)
    }
  }
}
