import express, { type Router } from 'express'
import { apiVersion, requireObject, toApiRecord, type ApiContext } from './api-context.ts'
import { parseInput, type ParsedInput, type SaveOutcome } from './record-store.ts'
import { findField } from './schema.ts'
import { SfRequestError, type RecordError } from './sf-errors.ts'

const MAX_RECORDS = 200

export type SaveResult =
  | { id: string, success: true, errors: [], created?: boolean }
  | { success: false, errors: RecordError[] }

interface CollectionBody { allOrNone: boolean, records: Array<Record<string, unknown>> }

function collectionBody (body: unknown): CollectionBody {
  const b = (body ?? {}) as { allOrNone?: unknown, records?: unknown }
  if (!Array.isArray(b.records)) throw new SfRequestError(400, 'JSON_PARSER_ERROR', 'records: required array is missing')
  if (b.records.length > MAX_RECORDS) {
    throw new SfRequestError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_RECORDS} records into this call`)
  }
  return { allOrNone: b.allOrNone === true, records: b.records as Array<Record<string, unknown>> }
}

const failed = (statusCode: string, message: string, fields: string[] = []): SaveResult =>
  ({ success: false, errors: [{ statusCode, message, fields }] })

function toResult (outcome: SaveOutcome, withCreated: boolean): SaveResult {
  if (!outcome.ok) return { success: false, errors: outcome.errors }
  return withCreated
    ? { id: outcome.id, success: true, errors: [], created: outcome.created }
    : { id: outcome.id, success: true, errors: [] }
}

function typeOf (record: Record<string, unknown>): unknown {
  return (record.attributes as { type?: unknown } | undefined)?.type
}

/** Writes a collection; with `allOrNone` one failed record rolls every other one back. */
function runCollection (ctx: ApiContext, allOrNone: boolean, write: () => SaveResult[]): SaveResult[] {
  const before = allOrNone ? ctx.store.snapshot() : undefined
  const results = write()
  if (!allOrNone || results.every((r) => r.success)) return results
  ctx.store.restore(before)
  return results.map((r) => r.success
    ? failed('ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header')
    : r)
}

/**
 * Upsert by External ID of up to 200 records of one type (`PATCH
 * /composite/sobjects/{type}/{externalIdField}`), on its own or as a Composite subrequest
 * (composite-request-routes.ts). Throws SfRequestError for a whole-request failure.
 */
export function upsertCollection (ctx: ApiContext, type: unknown, extField: string, rawBody: unknown): SaveResult[] {
  const def = requireObject(ctx.schema, type)
  const ext = findField(def, extField)
  if (!ext?.externalId) {
    throw new SfRequestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${extField}`)
  }
  const body = collectionBody(rawBody)
  const parsed: Array<{ value: string | undefined, input: ParsedInput }> = body.records.map((record) => {
    const input = parseInput(def, record)
    const value = input.values.get(ext.name)
    input.values.delete(ext.name)
    return { value: typeof value === 'string' && value !== '' ? value : undefined, input }
  })
  // Salesforce fails every record whose External ID value repeats within the request.
  const counts = new Map<string, number>()
  for (const { value } of parsed) if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1)

  return runCollection(ctx, body.allOrNone, () => parsed.map(({ value, input }): SaveResult => {
    if (value === undefined) return failed('MISSING_ARGUMENT', `${ext.name} not specified`, [ext.name])
    if ((counts.get(value) ?? 0) > 1) return failed('DUPLICATE_EXTERNAL_ID', `Duplicate external id specified: ${value}`, [ext.name])
    if (ctx.faults.takeRecordFailure(value)) {
      return failed('UNKNOWN_EXCEPTION', 'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-123456789) [injected by sandbox]')
    }
    const outcome = ctx.store.upsert(def, ext.name, value, input)
    if ('multiple' in outcome) {
      return failed('DUPLICATE_EXTERNAL_ID', `${ext.name}: more than one record found for external id field: [${outcome.multiple.join(', ')}]`, [ext.name])
    }
    return toResult(outcome, true)
  }))
}

/**
 * sObject Collections (`/composite/sobjects`): up to 200 records per call, results in input
 * order, `allOrNone` rolls everything back when one record fails.
 */
export function createCompositeRoutes (ctx: ApiContext): Router {
  const router = express.Router({ mergeParams: true })
  const run = (allOrNone: boolean, write: () => SaveResult[]) => runCollection(ctx, allOrNone, write)

  router.post('/composite/sobjects', (req, res) => {
    const body = collectionBody(req.body)
    const parsed = body.records.map((record) => {
      const def = requireObject(ctx.schema, typeOf(record))
      return { def, input: parseInput(def, record) }
    })
    res.json(run(body.allOrNone, () => parsed.map(({ def, input }) => toResult(ctx.store.create(def, input), false))))
  })

  router.patch('/composite/sobjects', (req, res) => {
    const body = collectionBody(req.body)
    const parsed = body.records.map((record) => {
      const def = requireObject(ctx.schema, typeOf(record))
      const id = record.id ?? record.Id
      return { def, id: typeof id === 'string' ? id : '', input: parseInput(def, record) }
    })
    res.json(run(body.allOrNone, () => parsed.map(({ def, id, input }) => id === ''
      ? failed('MISSING_ARGUMENT', 'Id not specified in an update call')
      : toResult(ctx.store.update(def, id, input), false))))
  })

  router.patch('/composite/sobjects/:type/:extField', (req, res) => {
    res.json(upsertCollection(ctx, req.params.type, String(req.params.extField), req.body))
  })

  const retrieve = (type: unknown, ids: unknown, fields: unknown, version: string) => {
    const def = requireObject(ctx.schema, type)
    const idList = Array.isArray(ids) ? ids.map(String) : typeof ids === 'string' ? ids.split(',') : []
    const fieldNames = Array.isArray(fields) ? fields.map(String) : typeof fields === 'string' ? fields.split(',') : []
    if (idList.length === 0 || fieldNames.length === 0) throw new SfRequestError(400, 'MISSING_ARGUMENT', 'ids and fields are required')
    if (idList.length > 2000) throw new SfRequestError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 2000 records into this call')
    const canonical = fieldNames.map((name) => {
      const f = findField(def, name.trim())
      if (!f) throw new SfRequestError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${def.name}'.`)
      return f.name
    })
    return idList.map((id) => {
      const record = ctx.store.get(def.name, id.trim())
      return record ? toApiRecord(def, record, version, canonical) : null
    })
  }
  router.get('/composite/sobjects/:type', (req, res) => {
    res.json(retrieve(req.params.type, req.query.ids, req.query.fields, apiVersion(req)))
  })
  router.post('/composite/sobjects/:type', (req, res) => {
    const body = (req.body ?? {}) as { ids?: unknown, fields?: unknown }
    res.json(retrieve(req.params.type, body.ids, body.fields, apiVersion(req)))
  })

  return router
}
