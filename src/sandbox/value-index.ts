/**
 * Finds a sandbox's records by a field's value without scanning them all: a batch of 100
 * upserts into 10 000 stored records was 100 full scans (most of the benchmark's sandbox CPU,
 * which the drain figures then blamed on the sync). An index per (object type, field) is
 * built on its first lookup and kept current by the store, which reports every record it
 * writes (`add` after, `remove` before) and drops all indexes when it is reset or restored.
 */
export interface ValueIndex<R> {
  /** Ids of the records whose `field` equals `value`, in the order they were indexed. */
  ids: (type: string, field: string, value: unknown, records: () => Iterable<R>) => string[]
  add: (type: string, record: R) => void
  remove: (type: string, record: R) => void
  clear: () => void
}

export function createValueIndex<R> (read: (record: R, field: string) => unknown, idOf: (record: R) => string): ValueIndex<R> {
  // type → field → value → ids
  let indexes = new Map<string, Map<string, Map<unknown, Set<string>>>>()

  const fieldsOf = (type: string) => indexes.get(type) ?? new Map<string, Map<unknown, Set<string>>>()

  function put (index: Map<unknown, Set<string>>, value: unknown, id: string): void {
    if (value === undefined || value === null) return
    let ids = index.get(value)
    if (!ids) { ids = new Set(); index.set(value, ids) }
    ids.add(id)
  }

  return {
    ids (type, field, value, records) {
      let fields = indexes.get(type)
      if (!fields) { fields = new Map(); indexes.set(type, fields) }
      let index = fields.get(field)
      if (!index) {
        index = new Map()
        for (const record of records()) put(index, read(record, field), idOf(record))
        fields.set(field, index)
      }
      return [...index.get(value) ?? []]
    },
    add (type, record) {
      for (const [field, index] of fieldsOf(type)) put(index, read(record, field), idOf(record))
    },
    remove (type, record) {
      for (const [field, index] of fieldsOf(type)) {
        const value = read(record, field)
        const ids = index.get(value)
        ids?.delete(idOf(record))
        if (ids?.size === 0) index.delete(value)
      }
    },
    clear () { indexes = new Map() }
  }
}
