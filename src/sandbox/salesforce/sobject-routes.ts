import express, { type Router } from 'express'
import { apiVersion, requireObject, toApiRecord, type ApiContext } from './api-context.ts'
import { parseInput, type SaveOutcome } from './record-store.ts'
import { describeObject, findField, type ObjectDef } from './schema.ts'
import { SfRequestError, notFound } from './sf-errors.ts'

function fieldList (def: ObjectDef, fields: unknown): string[] | undefined {
  if (typeof fields !== 'string' || fields === '') return undefined
  return fields.split(',').map((name) => {
    const f = findField(def, name.trim())
    if (!f) throw new SfRequestError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${def.name}'.`)
    return f.name
  })
}

/** A single-record failure is answered 400 with the error in the REST API's array shape. */
function throwIfFailed (outcome: SaveOutcome): asserts outcome is Extract<SaveOutcome, { ok: true }> {
  if (outcome.ok) return
  const [first] = outcome.errors
  throw new SfRequestError(400, first?.statusCode ?? 'UNKNOWN_EXCEPTION', first?.message ?? 'failed', first?.fields)
}

function externalIdField (def: ObjectDef, name: unknown) {
  const f = typeof name === 'string' ? findField(def, name) : undefined
  if (!f?.externalId) {
    throw new SfRequestError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${String(name)}`)
  }
  return f
}

/** `/sobjects/...`: describe, create, retrieve, update, delete and upsert by External ID. */
export function createSObjectRoutes (ctx: ApiContext): Router {
  const router = express.Router({ mergeParams: true })

  router.get('/sobjects', (req, res) => {
    res.json({
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: [...ctx.schema.values()].map((def) => {
        const d = describeObject(def, apiVersion(req))
        return { name: d.name, label: d.label, keyPrefix: d.keyPrefix, custom: false, createable: true, queryable: true, urls: d.urls }
      })
    })
  })

  router.get('/sobjects/:type/describe', (req, res) => {
    res.json(describeObject(requireObject(ctx.schema, req.params.type), apiVersion(req)))
  })

  router.get('/sobjects/:type', (req, res) => {
    const d = describeObject(requireObject(ctx.schema, req.params.type), apiVersion(req))
    res.json({ objectDescribe: { name: d.name, label: d.label, keyPrefix: d.keyPrefix, urls: d.urls }, recentItems: [] })
  })

  router.post('/sobjects/:type', (req, res) => {
    const def = requireObject(ctx.schema, req.params.type)
    const outcome = ctx.store.create(def, parseInput(def, req.body))
    throwIfFailed(outcome)
    res.status(201).json({ id: outcome.id, success: true, errors: [] })
  })

  router.get('/sobjects/:type/:id', (req, res) => {
    const def = requireObject(ctx.schema, req.params.type)
    const record = ctx.store.get(def.name, req.params.id)
    if (!record) throw notFound()
    res.json(toApiRecord(def, record, apiVersion(req), fieldList(def, req.query.fields)))
  })

  router.patch('/sobjects/:type/:id', (req, res) => {
    const def = requireObject(ctx.schema, req.params.type)
    if (!ctx.store.get(def.name, req.params.id)) throw notFound()
    throwIfFailed(ctx.store.update(def, req.params.id, parseInput(def, req.body)))
    res.status(204).end()
  })

  router.delete('/sobjects/:type/:id', (req, res) => {
    const def = requireObject(ctx.schema, req.params.type)
    if (!ctx.store.remove(def.name, req.params.id)) throw notFound()
    res.status(204).end()
  })

  router.get('/sobjects/:type/:field/:value', (req, res) => {
    const def = requireObject(ctx.schema, req.params.type)
    const f = externalIdField(def, req.params.field)
    const matches = ctx.store.findBy(def.name, f.name, req.params.value)
    if (matches.length === 0) throw notFound()
    if (matches.length > 1) {
      res.status(300).json(matches.map((r) => `/services/data/v${apiVersion(req)}/sobjects/${def.name}/${r.Id}`))
      return
    }
    res.json(toApiRecord(def, matches[0]!, apiVersion(req), fieldList(def, req.query.fields)))
  })

  // Upsert by External ID: 201 created, 200 updated, 300 when the value matches several records.
  router.patch('/sobjects/:type/:field/:value', (req, res) => {
    const def = requireObject(ctx.schema, req.params.type)
    const f = externalIdField(def, req.params.field)
    const input = parseInput(def, req.body)
    input.values.delete(f.name)
    const outcome = ctx.store.upsert(def, f.name, req.params.value, input)
    if ('multiple' in outcome) {
      res.status(300).json(outcome.multiple.map((id) => `/services/data/v${apiVersion(req)}/sobjects/${def.name}/${id}`))
      return
    }
    throwIfFailed(outcome)
    res.status(outcome.created ? 201 : 200).json({ id: outcome.id, success: true, errors: [], created: outcome.created })
  })

  return router
}
