import type { Request } from 'express'
import type { FaultInjector } from '../fault-injector.ts'
import type { RecordStore, SfRecord } from './record-store.ts'
import { findObject, type ObjectDef, type Schema } from './schema.ts'
import { notFound } from './sf-errors.ts'

/** What the versioned API routes share. */
export interface ApiContext {
  schema: Schema
  store: RecordStore
  faults: FaultInjector
}

/** "62.0" from a request under /services/data/v62.0 (checked by the version middleware). */
export function apiVersion (req: Request): string {
  return String(req.params.version ?? 'v62.0').slice(1)
}

export function requireObject (schema: Schema, type: unknown): ObjectDef {
  const def = typeof type === 'string' ? findObject(schema, type) : undefined
  if (!def) throw notFound()
  return def
}

/** A record as the REST API returns it: `attributes` first, then the requested (or all) fields. */
export function toApiRecord (def: ObjectDef, record: SfRecord, version: string, fields?: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: def.name, url: `/services/data/v${version}/sobjects/${def.name}/${record.Id}` }
  }
  for (const name of fields ?? def.fields.map((f) => f.name)) out[name] = record[name] ?? null
  return out
}
