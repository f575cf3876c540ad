import assert from 'node:assert/strict'
import { test } from 'node:test'
import { differingFields, sameValue } from '../../src/crm/compare-fields.ts'
import { sameSalesforceId } from '../../src/crm/salesforce/read-back.ts'
import { inQueries, MAX_IN_VALUES, MAX_WHERE_CHARS, soqlString } from '../../src/crm/salesforce/soql-in.ts'

test('when instants are written one way and read back another, then they compare as the same instant', () => {
  assert.ok(sameValue('2024-03-16T14:00:00.000Z', '2024-03-16T14:00:00.000+0000'))
  assert.ok(sameValue('2024-03-16T14:00:00.000Z', '2024-03-16T14:00:00Z'))
  assert.ok(sameValue('2024-03-16T14:00:00.000Z', String(Date.parse('2024-03-16T14:00:00Z'))))
  assert.ok(!sameValue('2024-03-16T14:00:00.000Z', '2024-03-16T14:01:00.000+0000'))
})

test('when numbers come back as strings, then they compare as numbers; phone numbers stay text', () => {
  assert.ok(sameValue(30, '30'))
  assert.ok(sameValue(30, 30.0))
  assert.ok(!sameValue(30, '31'))
  assert.ok(!sameValue('+15551234567', '15551234567'))
})

test('when a value is empty on one side, then only another empty value matches it', () => {
  assert.ok(sameValue(null, ''))
  assert.ok(sameValue('', undefined))
  assert.ok(!sameValue('John', null))
})

test('when fields are compared, then only what the mapping writes counts, minus the skipped ones', () => {
  const expected = { LastName: 'Smith', Phone: '+15551234567', WhoId: '003A' }
  const actual = { LastName: 'Smith', Phone: '+15550000000', WhoId: '003B', Email: 'someone@example.com' }
  assert.deepEqual(differingFields(expected, actual, ['WhoId']), [{ field: 'Phone', expected: '+15551234567', actual: '+15550000000' }])
})

test('when Salesforce ids come in 15- and 18-character forms, then they are the same record', () => {
  assert.ok(sameSalesforceId('003000000000001AAA', '003000000000001'))
  assert.ok(!sameSalesforceId('003000000000001AAA', '003000000000002AAA'))
  assert.ok(!sameSalesforceId(null, '003000000000001'))
})

test('when ids go into SOQL, then quotes and backslashes are escaped', () => {
  assert.equal(soqlString("o'neil\\x"), "'o\\'neil\\\\x'")
})

test('when many ids are read back, then each query holds at most 200 of them and a WHERE clause of at most 4000 characters', () => {
  const short = Array.from({ length: 450 }, (_, i) => `c${i}`)
  const queries = inQueries('Contact', ['LastName'], 'AgentClara_Customer_Id__c', short)
  assert.deepEqual(queries.map((q) => (q.match(/'/g)?.length ?? 0) / 2), [200, 200, 50])
  assert.match(queries[0] ?? '', /^SELECT Id, LastName FROM Contact WHERE AgentClara_Customer_Id__c IN \('c0', 'c1', /)

  const long = Array.from({ length: 300 }, (_, i) => `cust_${String(i).padStart(40, '0')}`)
  const split = inQueries('Contact', ['LastName'], 'AgentClara_Customer_Id__c', long)
  for (const q of split) assert.ok(q.slice(q.indexOf(' WHERE ') + 7).length <= MAX_WHERE_CHARS)
  assert.equal(split.flatMap((q) => q.match(/'[^']*'/g) ?? []).length, 300, 'every id is asked for exactly once')
  assert.ok(split.every((q) => (q.match(/'/g)?.length ?? 0) / 2 <= MAX_IN_VALUES))
})
