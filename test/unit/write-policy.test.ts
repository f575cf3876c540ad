import assert from 'node:assert/strict'
import { test } from 'node:test'
import { keepCrmValues, sameValue } from '../../src/crm/mapping/write-policy.ts'

const values = { lastname: 'Smith', company: 'AgentClara', phone: '+1555' }

test('when the record is not in the CRM yet, then every if_empty field is written', () => {
  assert.deepEqual(keepCrmValues(values, ['company'], undefined), { values, skipped: [] })
})

test('when the CRM holds another value in an if_empty field, then it is left out and reported', () => {
  const current = { company: 'Acme Ltd', phone: '' } as Record<string, unknown>
  assert.deepEqual(keepCrmValues(values, ['company', 'phone'], (t) => current[t]),
    { values: { lastname: 'Smith', phone: '+1555' }, skipped: ['company'] })
})

test('when the CRM already holds our value, then it is not sent and not reported', () => {
  assert.deepEqual(keepCrmValues(values, ['company'], () => 'AgentClara'), { values: { lastname: 'Smith', phone: '+1555' }, skipped: [] })
})

test('when instants are formatted differently, then they still compare equal', () => {
  assert.ok(sameValue('2024-03-16T14:00:00.000Z', '2024-03-16T14:00:00.000+0000'))
  assert.ok(!sameValue('2024-03-16T14:00:00.000Z', '2024-03-16T15:00:00.000+0000'))
  assert.ok(sameValue(60, '60'))
})
