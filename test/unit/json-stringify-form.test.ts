import assert from 'node:assert/strict'
import { test } from 'node:test'
import { jsonStringifyForm } from '../../src/receiver/json-stringify-form.ts'

const form = (text: string) => jsonStringifyForm(Buffer.from(text))

test('when the body is JSON with other spacing or escapes, then its form is what JSON.stringify writes', () => {
  assert.equal(form('{ "a" : [1.0, "\\u0041"] ,"b":null }'), '{"a":[1,"A"],"b":null}')
})

test('when a number overflows to Infinity anywhere, then the body has no stringify form (it would read as null)', () => {
  for (const number of ['1e400', '2e400', '1E999', '-7e500', '1' + '0'.repeat(400)]) {
    assert.equal(form(`{"data":{"x":[0,{"y":${number}}]}}`), undefined, number)
  }
  assert.equal(form('{"x":1e308,"y":1e-400}'), '{"x":1e+308,"y":0}', 'large but finite, and underflow to 0, are faithful')
})

test('when the body nests deeper than JSON.stringify can recurse, then there is no form and no exception', () => {
  assert.equal(form('['.repeat(100_000) + ']'.repeat(100_000)), undefined)
  assert.equal(form('{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000)), undefined)
})

test('when the body is not JSON, then there is no form', () => {
  assert.equal(form('{"a":'), undefined)
  assert.equal(form(''), undefined)
})
