import type { StoredObject } from './store.ts'

const ALWAYS = ['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_createdate', 'hs_lastmodifieddate']

/** SimplePublicObject as HubSpot returns it; `names` limits properties like `?properties=`. */
export function toPublicObject (record: StoredObject, names?: string[]): StoredObject {
  if (!names || names.length === 0) return structuredClone(record)
  const properties: Record<string, string> = {}
  for (const name of [...ALWAYS, ...names]) {
    const value = record.properties[name]
    if (value !== undefined) properties[name] = value
  }
  return { ...structuredClone(record), properties }
}

/** `?properties=a,b&properties=c` → ['a', 'b', 'c']. */
export function propertyNamesFrom (query: unknown): string[] | undefined {
  if (query === undefined) return undefined
  const list = Array.isArray(query) ? query : [query]
  return list.flatMap((item) => String(item).split(',')).map((name) => name.trim()).filter(Boolean)
}
