import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { CrmSetupError } from '../../src/crm/errors.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { seedContact } from '../fixtures/seed-states.ts'
import { editedDefault, lineOf } from '../helpers/mapping-files.ts'

// The mapping checked against the sandbox portal's live property list (the properties API).
const sandbox = createHubspotSandbox()
let baseUrl = ''
before(async () => { baseUrl = await sandbox.listen(0, '127.0.0.1') })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

const connector = (mappingFile: string): CrmConnector => createHubspotConnector({
  accessToken: sandbox.accessToken, baseUrl, timeoutMs: 5000, limiter: { acquire: async () => {}, pause: () => {} }, mappingFile
})

/** What an admin does in HubSpot's settings: create a contact property. */
async function createContactProperty (body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${baseUrl}/crm/v3/properties/contacts`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ groupName: 'contactinformation', fieldType: 'text', label: String(body.name), ...body })
  })
  assert.equal(response.status, 201)
}

/** prepare() fails naming file:line, the property and what is wrong; --check-mapping says the same. */
async function expectProblem (path: string, line: number, property: string, what: RegExp): Promise<void> {
  const crm = connector(path)
  await assert.rejects(crm.prepare(), (error: Error) => {
    assert.ok(error instanceof CrmSetupError)
    assert.ok(error.message.includes(`${path}:${line}: `), error.message)
    assert.ok(error.message.includes(`"${property}"`), error.message)
    assert.match(error.message, what)
    return true
  })
  const problems = await crm.checkMapping?.() ?? []
  assert.ok(problems.some((p) => p.startsWith(`${path}:${line}: `) && p.includes(property) && what.test(p)), problems.join('\n'))
}

test('when the mapping writes to a custom property the admin created, then prepare passes and the value lands there', async () => {
  await createContactProperty({ name: 'ac_status_label', type: 'string' })
  const { path } = editedDefault('hubspot', [['target: agentclara_conversation_status,', 'target: ac_status_label,']])
  const crm = connector(path)
  await crm.prepare()
  assert.ok(!sandbox.dump().propertiesCreated.some((p) => p.name === 'agentclara_conversation_status'), 'an unmapped agentclara_* property is not created')
  const [result] = await crm.upsertContacts([seedContact({ conversationStatus: 'closed' })])
  assert.ok(result?.ok)
  const contact = sandbox.dump().objects.contacts?.[0]
  assert.equal(contact?.properties.ac_status_label, 'closed')
  assert.equal(contact?.properties.agentclara_conversation_status, undefined)
})

test('when a target does not exist in the portal, then prepare and --check-mapping name file, line and property', async () => {
  const { path, text } = editedDefault('hubspot', [['target: agentclara_last_message,', 'target: ac_last_mesage,']])
  await expectProblem(path, lineOf(text, 'ac_last_mesage'), 'ac_last_mesage', /HubSpot contacts has no property/)
})

test('when a target is read-only in HubSpot, then the problem cites modificationMetadata.readOnlyValue', async () => {
  const { path, text } = editedDefault('hubspot', [['target: agentclara_last_message,', 'target: hubspotscore,']])
  await expectProblem(path, lineOf(text, 'hubspotscore'), 'hubspotscore', /read-only in HubSpot contacts \(modificationMetadata\.readOnlyValue/)
})

test('when a target has another type, then the problem is a type mismatch', async () => {
  await createContactProperty({ name: 'ac_score', type: 'number', fieldType: 'number' })
  const { path, text } = editedDefault('hubspot', [['target: agentclara_last_message,', 'target: ac_score,']])
  await expectProblem(path, lineOf(text, 'ac_score'), 'ac_score', /type mismatch: "ac_score" is number .* gives a text value/)
})

test('when free text or unknown options go into an enumeration, then the problem lists the allowed values', async () => {
  const free = editedDefault('hubspot', [['target: agentclara_conversation_status,', 'target: hs_lead_status,']])
  await expectProblem(free.path, lineOf(free.text, 'hs_lead_status'), 'hs_lead_status', /only takes the values NEW, OPEN/)
  const mapped = editedDefault('hubspot', [['source: conversation_status, target: agentclara_conversation_status,',
    'source: conversation_status, transform: { map: { open: OPEN, closed: DONE } }, target: hs_lead_status,']])
  await expectProblem(mapped.path, lineOf(mapped.text, 'hs_lead_status'), 'hs_lead_status', /"DONE" not allowed/)
})

test('when --check-mapping runs on a fresh portal, then the default mapping passes and nothing is created', async () => {
  const crm = connector(editedDefault('hubspot', []).path)
  assert.deepEqual(await crm.checkMapping?.(), [])
  assert.deepEqual(sandbox.dump().propertiesCreated, [])
})
