import { SandboxHttpError } from './errors.ts'

/**
 * The object types the sandbox knows. HubSpot accepts a type by name or by objectTypeId
 * in every path (`contacts` and `0-1` are the same thing), so routes resolve both.
 */
export interface ObjectType {
  id: string
  name: string
  /** Engagements need `hs_timestamp` on create. */
  engagement: boolean
}

export const OBJECT_TYPES: readonly ObjectType[] = [
  { id: '0-1', name: 'contacts', engagement: false },
  { id: '0-18', name: 'communications', engagement: true },
  { id: '0-46', name: 'notes', engagement: true },
  { id: '0-47', name: 'meetings', engagement: true },
  { id: '0-421', name: 'appointments', engagement: false }
]

const SINGULAR: Record<string, string> = {
  contact: 'contacts', communication: 'communications', note: 'notes', meeting: 'meetings', appointment: 'appointments'
}

export function resolveObjectType (param: string): ObjectType | undefined {
  const wanted = param.toLowerCase()
  const name = SINGULAR[wanted] ?? wanted
  return OBJECT_TYPES.find((type) => type.id === wanted || type.name === name)
}

/** The type named in a path, or HubSpot's 400 for a type it cannot infer. */
export function requireObjectType (param: string | string[] | undefined): ObjectType {
  const name = Array.isArray(param) ? param.join('/') : param ?? ''
  const type = resolveObjectType(name)
  if (!type) throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${name}`)
  return type
}
