import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { canonicalJson, eventDedupeKey } from '../../src/events/dedupe-key.ts'

// JSON values as they come out of JSON.parse (no -0, which JSON text cannot carry apart from 0).
const json = fc.jsonValue({ maxDepth: 5 }).map((value) => JSON.parse(JSON.stringify(value)))

function shuffleKeys (value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, seed + 1))
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value)
  const rotated = entries.slice(seed % Math.max(1, entries.length)).concat(entries.slice(0, seed % Math.max(1, entries.length))).reverse()
  return Object.fromEntries(rotated.map(([key, item]) => [key, shuffleKeys(item, seed + 1)]))
}

test('when canonicalised, then any JSON value round-trips to an equal value', () => {
  fc.assert(fc.property(json, (value) => {
    assert.deepEqual(JSON.parse(canonicalJson(value)), value)
  }))
})

test('when object keys are reordered at any depth or the text is re-spaced, then the dedupe key is unchanged', () => {
  fc.assert(fc.property(fc.string(), fc.string(), json, fc.nat(), (event, timestamp, data, seed) => {
    const original = { event, timestamp, data }
    const reordered = JSON.parse(JSON.stringify(shuffleKeys({ data, timestamp, event }, seed), null, 3))
    assert.deepEqual(eventDedupeKey(reordered), eventDedupeKey(original))
  }))
})

test('when the data differs, then the dedupe key differs', () => {
  fc.assert(fc.property(fc.string(), json, json, (event, a, b) => {
    fc.pre(canonicalJson(a) !== canonicalJson(b))
    assert.notDeepEqual(eventDedupeKey({ event, timestamp: 't', data: a }), eventDedupeKey({ event, timestamp: 't', data: b }))
  }))
})
