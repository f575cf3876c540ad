import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadHubspotMapping } from '../../src/crm/hubspot/mapping-spec.ts'
import { MappingFileError, type MappingProblem } from '../../src/crm/mapping/mapping-problem.ts'
import { loadSalesforceMapping } from '../../src/crm/salesforce/mapping-spec.ts'
import { editedDefault, lineOf, writeMapping } from '../helpers/mapping-files.ts'

// Every problem the file alone can have: each names the file, the line and the place.

function problemsOf (load: () => unknown): MappingProblem[] {
  try {
    load()
  } catch (error) {
    assert.ok(error instanceof MappingFileError, `expected MappingFileError, got ${String(error)}`)
    return error.problems
  }
  return assert.fail('the mapping loaded without problems')
}

function expectOne (load: () => unknown, file: string, line: number, path: string, message: RegExp): void {
  const problems = problemsOf(load)
  assert.equal(problems.length, 1, JSON.stringify(problems))
  const [problem] = problems
  assert.deepEqual({ file: problem?.file, line: problem?.line, path: problem?.path }, { file, line, path })
  assert.match(problem?.message ?? '', message)
}

const hubspotEdit = (from: string, to: string) => editedDefault('hubspot', [[from, to]])

test('when the YAML is malformed, then the problem names the file and the line', () => {
  const path = writeMapping('version: 1\ncustomer:\n  contacts:\n    - { source: name, target: firstname\n')
  const [problem] = problemsOf(() => loadHubspotMapping(path))
  assert.equal(problem?.file, path)
  assert.equal(problem?.line, 5)
  assert.match(problem?.message ?? '', /not valid YAML/)
})

test('when a source is not an AgentClara field, then the problem names its line and lists the fields', () => {
  const { path, text } = hubspotEdit('source: phone,', 'source: telephone,')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'telephone'), 'customer.contacts[2].source', /customer fields: customer_id, name, phone/)
})

test('when a transform is unknown, then the problem names it and its line', () => {
  const { path, text } = hubspotEdit('transform: iso_datetime, target: agentclara_last_contact_at', 'transform: rfc2822, target: agentclara_last_contact_at')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'rfc2822'), 'customer.contacts[7].transform', /unknown transform "rfc2822"/)
})

test('when a transform does not take the kind of value it gets, then the problem says which kind', () => {
  const { path, text } = hubspotEdit('source: conversation_status, target', 'source: conversation_status, transform: whole_number, target')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'whole_number, target'), 'customer.contacts[4].transform', /whole_number does not take a text value .* it takes number/)
})

test('when the tags (a list) are written without join, then the problem asks for a join', () => {
  const { path, text } = hubspotEdit('source: conversation_tags, transform: { join: ";" }, target', 'source: conversation_tags, target')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'source: conversation_tags'), 'customer.contacts[5].transform', /is a list: add a join/)
})

test('when an entry targets a structural property, then the problem names it and why', () => {
  const { path, text } = hubspotEdit('target: agentclara_conversation_id,', 'target: agentclara_customer_id,')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'source: conversation_id'), 'customer.contacts[3].target', /"agentclara_customer_id" is structural \(the upsert key/)
})

test('when two entries write the same property, then the second names the line of the first', () => {
  const { path, text } = hubspotEdit('target: agentclara_last_message,', 'target: agentclara_conversation_status,')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'source: last_message'), 'customer.contacts[6].target',
    new RegExp(`already the target of the entry on line ${lineOf(text, 'source: conversation_status')}`))
})

test('when an entry has a misspelt key, then the problem names the key on its line', () => {
  const { path, text } = hubspotEdit('target: phone, policy: always', 'target: phone, polcy: always')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'polcy'), 'customer.contacts[2].polcy', /unknown key "polcy"/)
})

test('when a policy is not one of the three, then the problem lists them', () => {
  const { path, text } = hubspotEdit('target: phone, policy: always', 'target: phone, policy: sometimes')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'sometimes'), 'customer.contacts[2].policy', /always, if_empty or never/)
})

test('when an entry has both a source and a value, then the problem says to give one', () => {
  const { path, text } = hubspotEdit('{ value: SCHEDULED,', '{ source: service, value: SCHEDULED,')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, 'value: SCHEDULED'), 'appointment.meetings[3]', /either source .* or value/)
})

test('when a format uses a field the record does not have, then the problem names the placeholder', () => {
  const { path, text } = hubspotEdit('"[{channel}] {sender}: {value}"', '"[{channel}] {author}: {value}"')
  expectOne(() => loadHubspotMapping(path), path, lineOf(text, '{author}'), 'message.notes[0].transform', /\{author\} is not a message field/)
})

test('when an object section is unknown, then the problem names the key and the objects there are', () => {
  const { path, text } = editedDefault('salesforce', [['  Lead:\n', '  Leads:\n']])
  expectOne(() => loadSalesforceMapping(path), path, lineOf(text, 'Leads:'), 'customer.Leads', /unknown Salesforce object "Leads": use Contact, Lead/)
})

test('when the section of an object in use is missing, then the problem says to add it', () => {
  const path = writeMapping('version: 1\ncustomer:\n  Contact:\n    - { source: name, transform: last_name, target: LastName }\nmessage:\n  Task: []\nappointment:\n  Event: []\n')
  expectOne(() => loadSalesforceMapping(path, 'Lead'), path, 2, 'customer.Lead', /no mapping for the Salesforce Lead.*add a "Lead:" list/)
})

test('when the version is missing, then the problem says which versions exist', () => {
  const path = writeMapping('customer:\n  contacts: []\n')
  const problems = problemsOf(() => loadHubspotMapping(path))
  assert.ok(problems.some((p) => p.path === 'version' && /version: 1/.test(p.message)), JSON.stringify(problems))
})

test('when the file does not exist, then the problem names it', () => {
  expectOne(() => loadHubspotMapping('/nonexistent/hubspot.yml'), '/nonexistent/hubspot.yml', undefined as unknown as number, '', /cannot read the mapping file \(ENOENT\)/)
})

test('when a file has several problems, then the error message lists each as file:line: path: message', () => {
  const { path, text } = editedDefault('hubspot', [['source: phone,', 'source: telephone,'], ['target: phone, policy: always', 'target: phone, policy: sometimes']])
  const error = (() => { try { loadHubspotMapping(path) } catch (e) { return e as Error } })()
  assert.match(error?.message ?? '', /cannot be used \(2 problems\)/)
  assert.ok(error?.message.includes(`${path}:${lineOf(text, 'telephone')}: customer.contacts[2].source: source must be one of`))
})
