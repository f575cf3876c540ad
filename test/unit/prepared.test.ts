import assert from 'node:assert/strict'
import { test } from 'node:test'
import { prepared, preparedIfFew } from '../../src/db/prepared.ts'

// Each test file runs in its own process, so the names seen here are this file's alone.

test('when one text is prepared twice, then both get one name, and another text another name', () => {
  const first = prepared('SELECT 1 WHERE $1::int > 0')([1])
  const again = prepared('SELECT 1 WHERE $1::int > 0')([2])
  const other = prepared('SELECT 2 WHERE $1::int > 0')([1])
  assert.equal(first.name, again.name)
  assert.notEqual(first.name, other.name)
  assert.deepEqual(again.values, [2])
  assert.equal(preparedIfFew('SELECT 1 WHERE $1::int > 0', [3]).name, first.name, 'pg-boss\'s texts share the names')
})

test('when a caller sends ever new texts, then past a thousand they run unnamed, and the texts seen before keep their names', () => {
  const known = preparedIfFew('SELECT $1::text AS known', ['a']).name
  for (let index = 0; index < 1000; index++) preparedIfFew(`SELECT ${index} AS embedded_value`)
  const unseen = preparedIfFew('SELECT 1001 AS embedded_value')
  assert.equal(unseen.name, undefined, 'no new statement kept on every connection')
  assert.equal(unseen.text, 'SELECT 1001 AS embedded_value')
  assert.equal(preparedIfFew('SELECT $1::text AS known', ['b']).name, known)
})
