import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classify, healable } from '../../src/reconcile/drift.ts'
import { maskValue } from '../../src/reconcile/mask-value.ts'

const ref = { type: 'contact' as const, id: 'cust_1' }

test('when no CRM record carries the id, then it is missing', () => {
  assert.deepEqual(classify(ref, { key: 'cust_1', copies: [] }, '1001'), [{ ref, kind: 'missing', crmIds: [] }])
})

test('when two records carry the id, then it is a duplicate and the one the sync wrote is compared', () => {
  const copies = [
    { crmId: '2002', differences: [{ field: 'lastname', expected: 'Smith', actual: 'Other' }] },
    { crmId: '1001', differences: [{ field: 'phone', expected: '+15551234567', actual: '+15550000000' }] }
  ]
  const findings = classify(ref, { key: 'cust_1', copies }, '1001')
  assert.deepEqual(findings.map((f) => [f.kind, f.crmIds, f.fields?.map((field) => field.field)]),
    [['duplicate', ['2002', '1001'], undefined], ['differing', ['1001'], ['phone']]])
  assert.deepEqual(healable(findings), [], 'a duplicated entity is reported, not queued')
})

test('when a field differs, then its name is reported with both values masked', () => {
  const [finding] = classify(ref, { key: 'cust_1', copies: [{ crmId: '1', differences: [{ field: 'phone', expected: '+15551234567', actual: null }] }] }, null)
  assert.deepEqual(finding?.fields, [{ field: 'phone', crm: '(empty)', mirror: '••••••67 (12 chars)' }])
})

test('when a message is not linked to its contact, then it is unassociated and healable', () => {
  const message = { type: 'message' as const, id: 'msg_1' }
  const findings = classify(message, { key: 'msg_1', copies: [{ crmId: '7', differences: [], linkedToContact: false }] }, '7')
  assert.deepEqual(findings, [{ ref: message, kind: 'unassociated', crmIds: ['7'] }])
  assert.deepEqual(healable(findings), findings)
})

test('when values are masked, then short ones hide every character and long text keeps only its last two and its length', () => {
  assert.equal(maskValue('SMS'), '•••')
  assert.equal(maskValue('Can I reschedule my appointment?'), '••••••t? (32 chars)')
  assert.equal(maskValue(30), '••')
  assert.equal(maskValue(undefined), '(empty)')
})
