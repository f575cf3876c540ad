import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'
import { seedContact } from '../fixtures/seed-states.ts'
import { editedDefault } from '../helpers/mapping-files.ts'

// Write policies through real jsforce against the sandbox org.
const sandbox = createSalesforceSandbox({ staticAccessToken: 'static-token' })
let url = ''
before(async () => { url = await sandbox.listen() })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

const PHONE_IF_EMPTY: [string, string] = ['target: Phone, policy: always', 'target: Phone, policy: if_empty']
const FIRSTNAME_NEVER: [string, string] = ['target: FirstName, policy: always', 'target: FirstName, policy: never']

async function prepared (edits: Array<[string, string]>): Promise<CrmConnector> {
  const limiter = { acquire: async () => {}, pause: () => {} }
  const mappingFile = editedDefault('salesforce', edits).path
  const crm = createSalesforceConnector({ loginUrl: url, clientId: sandbox.clientId, clientSecret: sandbox.clientSecret, timeoutMs: 5000, limiter, mappingFile })
  await crm.prepare()
  return crm
}

/** Someone else edits the Contact in Salesforce. */
async function editInSalesforce (id: string, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${url}/services/data/v62.0/sobjects/Contact/${id}`, {
    method: 'PATCH', headers: { authorization: 'Bearer static-token', 'content-type': 'application/json' }, body: JSON.stringify(fields)
  })
  assert.equal(response.status, 204)
}

const contact = (): Record<string, unknown> => sandbox.dump().records.Contact?.[0] ?? {}
const queries = () => sandbox.dump().requests.byRoute['GET /services/data/v62.0/query'] ?? 0

test('when someone edits an if_empty field in Salesforce, then later syncs keep their value and report it as skipped', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  const [created] = await crm.upsertContacts([seedContact()])
  assert.ok(created?.ok && created.skipped?.length === 0)
  assert.equal(contact().Phone, '+15551234567', 'written on create')
  await editInSalesforce(created.crmId, { Phone: '+44 20 7946 0958' })

  const [again] = await crm.upsertContacts([seedContact({ name: 'John Smithson', phone: '+15550001111' })])
  assert.deepEqual(again, { key: 'cust_xyz789', ok: true, crmId: created.crmId, skipped: ['Phone'] })
  assert.equal(contact().Phone, '+44 20 7946 0958')
  assert.equal(contact().LastName, 'Smithson')
})

test('when a field is mapped never, then the sync leaves it untouched', async () => {
  const crm = await prepared([FIRSTNAME_NEVER])
  const [created] = await crm.upsertContacts([seedContact()])
  assert.ok(created?.ok)
  assert.equal(contact().FirstName, undefined)
  await editInSalesforce(created.crmId, { FirstName: 'Jonathan' })
  await crm.upsertContacts([seedContact({ name: 'Jack Smith' })])
  assert.equal(contact().FirstName, 'Jonathan')
})

test('when 450 contacts with an if_empty field sync, then Salesforce gets ceil(450/200) = 3 SOQL queries, none without one', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  await crm.upsertContacts(Array.from({ length: 450 }, (_, i) => seedContact({ customerId: `cust_'${i}` })))
  assert.equal(queries(), 3)
  assert.equal(sandbox.dump().records.Contact?.length, 450, 'quotes in External IDs are escaped in SOQL')

  const plain = await prepared([])
  await plain.upsertContacts([seedContact()])
  assert.equal(queries(), 3)
})

// The sync writes Salesforce through upsertTogether (keys are entity keys): the if_empty guard
// must find each record by the External ID it carries.
test('when contacts go together with their messages, then an if_empty field edited in Salesforce is kept and reported, keyed by entity key', async () => {
  const crm = await prepared([PHONE_IF_EMPTY])
  const [created] = await crm.upsertContacts([seedContact()])
  assert.ok(created?.ok)
  await editInSalesforce(created.crmId, { Phone: '+44 20 7946 0958' })
  const results = await crm.upsertTogether!({ contacts: [seedContact({ name: 'John Smithson', phone: '+15550001111' })], messages: [], appointments: [] })
  assert.deepEqual(results, [{ key: 'contact:cust_xyz789', ok: true, crmId: created.crmId, skipped: ['Phone'] }])
  assert.equal(contact().Phone, '+44 20 7946 0958')
  assert.equal(contact().LastName, 'Smithson')
})
