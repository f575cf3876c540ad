import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyStep } from '../../src/crm/mapping/apply-step.ts'
import { mapRecord } from '../../src/crm/mapping/map-record.ts'
import type { MappingEntry, ObjectMapping } from '../../src/crm/mapping/mapping-types.ts'
import type { FlowValue } from '../../src/crm/mapping/source-fields.ts'
import { parseStep, type Step } from '../../src/crm/mapping/steps.ts'
import { seedAppointmentState, seedContact } from '../fixtures/seed-states.ts'

const noFields = (name: string): FlowValue => { throw new Error(`unexpected field ${name}`) }
const step = (raw: unknown): Step => { const parsed = parseStep(raw); assert.ok(!('error' in parsed), JSON.stringify(parsed)); return parsed }
const run = (raw: unknown, value: FlowValue, fields = noFields) => applyStep(step(raw), value, fields)

test('when a phone is written with spaces, brackets or 00, then e164 gives +digits, and leaves what it cannot fix', () => {
  assert.equal(run('e164', '+1 (555) 123-4567'), '+15551234567')
  assert.equal(run('e164', '0044 20 7946 0958'), '+442079460958')
  assert.equal(run('e164', '555-1234'), '555-1234')
})

test('when an instant is converted, then iso_datetime, epoch_ms and date_only give UTC, and a non-date throws', () => {
  assert.equal(run('iso_datetime', '2024-03-15T23:32:00-05:00'), '2024-03-16T04:32:00.000Z')
  assert.equal(run('epoch_ms', '2024-03-15T10:30:00Z'), 1710498600000)
  assert.equal(run('date_only', '2024-03-15T23:32:00-05:00'), '2024-03-16')
  assert.throws(() => run('date_only', 'tomorrow'), RangeError)
})

test('when values are mapped, then keys match in any case and unknown values pass through', () => {
  assert.equal(run({ map: { sms: 'SMS' } }, 'Sms'), 'SMS')
  assert.equal(run({ map: { sms: 'SMS' } }, 'fax'), 'fax')
})

test('when tags are joined, text truncated, numbers rounded, then each step does only that', () => {
  assert.equal(run({ join: ';' }, ['a', 'b']), 'a;b')
  assert.equal(run({ truncate: 3 }, 'abcdef'), 'abc')
  assert.equal(run('whole_number', 45.6), 46)
  assert.equal(run('whole_number', -5), 0)
})

test('when format and default use placeholders, then {value} and other fields are filled in', () => {
  const fields = (name: string) => ({ sender: 'clara', channel: null } as Record<string, FlowValue>)[name] ?? null
  assert.equal(run({ format: '{value} from {sender}' }, 'SMS', fields), 'SMS from clara')
  assert.equal(run({ default: 'by {channel}?' }, '', fields), 'by ?')
  assert.equal(run({ default: 'x' }, 'kept'), 'kept')
  assert.equal(run({ format: '{value}!' }, null), null, 'unknown stays unknown')
})

const entry = (partial: Partial<MappingEntry> & Pick<MappingEntry, 'target'>): MappingEntry =>
  ({ steps: [], policy: 'always', empty: 'write', kind: 'text', line: 1, path: 'p', ...partial })
const contacts = (...entries: MappingEntry[]): ObjectMapping => ({ entity: 'customer', object: 'contacts', line: 1, path: 'customer.contacts', entries })
const context = { defaultMeetingMinutes: 30 }

test('when AgentClara does not know a field, then it is left out; when the result is empty, empty decides', () => {
  const mapping = contacts(
    entry({ source: 'phone', target: 'unknown_phone' }),
    entry({ source: 'name', steps: [step('first_name')], target: 'first_written' }),
    entry({ source: 'name', steps: [step('first_name')], target: 'first_skipped', empty: 'skip' }),
    entry({ source: 'name', steps: [step('last_name'), step({ default: 'AgentClara {customer_id}' })], target: 'fallback' }),
    entry({ source: 'phone', target: 'never_written', policy: 'never' }),
    entry({ value: 'CRM', target: 'constant' })
  )
  assert.deepEqual(mapRecord(mapping, seedContact({ name: 'Cher', phone: null }), context),
    { first_written: null, fallback: 'Cher', constant: 'CRM' })
  assert.deepEqual(mapRecord(mapping, seedContact({ name: null, phone: null }), context),
    { fallback: 'AgentClara cust_xyz789', constant: 'CRM' })
})

test('when an appointment has no duration, then ends_at is the start plus the default length', () => {
  const mapping: ObjectMapping = { entity: 'appointment', object: 'meetings', line: 1, path: 'a', entries: [entry({ source: 'ends_at', target: 'end', kind: 'datetime' })] }
  assert.deepEqual(mapRecord(mapping, seedAppointmentState({ durationMinutes: 0 }), { defaultMeetingMinutes: 45 }), { end: '2024-03-16T14:45:00.000Z' })
})
