import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { CrmSetupError } from '../../src/crm/errors.ts'
import { createSalesforceConnector, type PersonObject } from '../../src/crm/salesforce/index.ts'
import { createSalesforceSandbox, DEFAULT_EXTERNAL_ID_FIELDS } from '../../src/sandbox/salesforce/index.ts'
import { editedDefault, lineOf } from '../helpers/mapping-files.ts'

// The mapping checked against the sandbox org's describe (createable, updateable, nillable,
// defaultedOnCreate, externalId, type) through jsforce.
const sandbox = createSalesforceSandbox()
const noLeadKey = createSalesforceSandbox({ externalIdFields: DEFAULT_EXTERNAL_ID_FIELDS.filter((f) => !f.startsWith('Lead.')) })
const urls = new Map<unknown, string>()
before(async () => { for (const s of [sandbox, noLeadKey]) urls.set(s, await s.listen()) })
after(async () => { await Promise.all([sandbox.close(), noLeadKey.close()]) })

const limiter = { acquire: async () => {}, pause: () => {} }
const connector = (mappingFile: string, personObject: PersonObject = 'Contact', org = sandbox): CrmConnector =>
  createSalesforceConnector({ loginUrl: urls.get(org) ?? '', clientId: org.clientId, clientSecret: org.clientSecret, timeoutMs: 5000, limiter, mappingFile, personObject })

async function expectProblem (crm: CrmConnector, path: string, line: number, field: string, what: RegExp): Promise<void> {
  await assert.rejects(crm.prepare(), (error: Error) => {
    assert.ok(error instanceof CrmSetupError)
    assert.ok(error.message.includes(`${path}:${line}: `), error.message)
    assert.ok(error.message.includes(field), error.message)
    assert.match(error.message, what)
    return true
  })
  const problems = await crm.checkMapping?.() ?? []
  assert.ok(problems.some((p) => p.startsWith(`${path}:${line}: `) && p.includes(field) && what.test(p)), problems.join('\n'))
}

test('when the default mapping is checked in Contact and in Lead mode, then both pass', async () => {
  const { path } = editedDefault('salesforce', [])
  await connector(path, 'Contact').prepare()
  await connector(path, 'Lead').prepare()
})

test('when a Lead mapping leaves Company unmapped, then the required field is named at the Lead section', async () => {
  const { path, text } = editedDefault('salesforce', [['target: Company, policy: if_empty', 'target: Company, policy: never']])
  await expectProblem(connector(path, 'Lead'), path, lineOf(text, '  Lead:'), '"Company"', /Salesforce Lead requires "Company" when a record is created/)
})

test('when a field does not exist, then the problem names it', async () => {
  const { path, text } = editedDefault('salesforce', [['target: Description, policy: always', 'target: Body__c, policy: always']])
  await expectProblem(connector(path), path, lineOf(text, 'Body__c'), '"Body__c"', /Salesforce Task has no property/)
})

test('when a field is read-only or create-only, then the problem cites createable / updateable', async () => {
  const name = editedDefault('salesforce', [['target: Phone, policy: always, empty: skip }\n  Lead:', 'target: Name, policy: always, empty: skip }\n  Lead:']])
  await expectProblem(connector(name.path), name.path, lineOf(name.text, 'target: Name,'), '"Name"', /createable and updateable are false/)
  const subtype = editedDefault('salesforce', [['{ value: Completed, target: Status', '{ value: Call, target: TaskSubtype']])
  await expectProblem(connector(subtype.path), subtype.path, lineOf(subtype.text, 'target: TaskSubtype'), '"TaskSubtype"', /updateable is false/)
})

test('when a datetime goes into a date field, then the type mismatch suggests date_only', async () => {
  const { path, text } = editedDefault('salesforce', [['transform: date_only, target: ActivityDate', 'transform: iso_datetime, target: ActivityDate']])
  await expectProblem(connector(path), path, lineOf(text, 'iso_datetime, target: ActivityDate'), '"ActivityDate"', /type mismatch: .* is date .*add the date_only transform/)
})

test('when the org lacks the Lead External ID field, then the problem names Lead.AgentClara_Customer_Id__c at the Lead section', async () => {
  const { path, text } = editedDefault('salesforce', [])
  await expectProblem(connector(path, 'Lead', noLeadKey), path, lineOf(text, '  Lead:'), 'Lead.AgentClara_Customer_Id__c', /missing the External ID field/)
})
