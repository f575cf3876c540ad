import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { toHubspotAppointment, toHubspotContact, toHubspotMeeting, toHubspotMessage } from '../../src/crm/hubspot/index.ts'
import { toSalesforceContact, toSalesforceEvent, toSalesforceTask } from '../../src/crm/salesforce/index.ts'
import { appointmentCases, CONTACT_CRM_ID, contactCases, messageCases } from '../fixtures/mapping-corpus.ts'

// `mapping-snapshot.json` was recorded from the hard-coded mappings (f729a5b) for every input
// in `mapping-corpus.ts`; the default mapping files must reproduce it exactly.
const snapshot = JSON.parse(readFileSync(new URL('../fixtures/mapping-snapshot.json', import.meta.url), 'utf8'))

const run = (fn: () => unknown) => { try { return { output: fn() } } catch { return { throws: true } } }
const each = <T>(cases: Record<string, T>, fn: (input: T) => unknown) =>
  Object.fromEntries(Object.entries(cases).map(([name, input]) => [name, JSON.parse(JSON.stringify(run(() => fn(input))))]))

const outputs: Record<string, () => unknown> = {
  hubspotContact: () => each(contactCases, (c) => toHubspotContact(c)),
  hubspotMessage: () => each(messageCases, (m) => toHubspotMessage(m)),
  hubspotMeeting30: () => each(appointmentCases, (a) => toHubspotMeeting(a)),
  hubspotMeeting45: () => each(appointmentCases, (a) => toHubspotMeeting(a, 45)),
  hubspotAppointment30: () => each(appointmentCases, (a) => toHubspotAppointment(a)),
  salesforceContact: () => each(contactCases, (c) => toSalesforceContact(c)),
  salesforceTask: () => each(messageCases, (m) => toSalesforceTask({ ...m, contactCrmId: CONTACT_CRM_ID })),
  salesforceEvent: () => each(appointmentCases, (a) => toSalesforceEvent({ ...a, contactCrmId: CONTACT_CRM_ID }))
}

for (const [name, produce] of Object.entries(outputs)) {
  test(`when ${name} maps the corpus with the default mapping, then every output equals the hard-coded mapping's`, () => {
    assert.deepEqual(produce(), snapshot[name])
  })
}
