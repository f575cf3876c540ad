import assert from 'node:assert/strict'
import { test } from 'node:test'
import { maskPiiInText } from '../../src/mask-pii-text.ts'

test('when an error text holds phone numbers in any common shape, then only their last two digits stay', () => {
  assert.equal(maskPiiInText('bad phone +1 (555) 123-4567'), 'bad phone +• (•••) •••-••67')
  assert.equal(maskPiiInText('555-123-4567 or 555.123.4567 or +15551234567'), '•••-•••-••67 or •••.•••.••67 or +•••••••••67')
})

test('when an error text holds an email address or a long digit run, then they are masked', () => {
  assert.equal(maskPiiInText('invalid: john.smith@example.co.uk!'), 'invalid: j•••@•••.uk!')
  assert.equal(maskPiiInText('card 4111111111111111'), 'card ••••••••••••••11')
})

test('when a HubSpot validation message quotes the submitted value, then the value is hidden', () => {
  const message = 'HubSpot batch upsert contacts failed with 400: Property values were not valid: [{"isValid":false,"message":"Call me \\"now\\" at home is not a valid number for agentclara_last_message","error":"INVALID_INTEGER","name":"agentclara_last_message","localizedErrorMessage":"Call me \\"now\\" at home is not a valid number for agentclara_last_message"}]'
  const masked = maskPiiInText(message)
  assert.doesNotMatch(masked, /Call me/)
  assert.match(masked, /"message":"\[hidden\] is not a valid number for agentclara_last_message","error":"INVALID_INTEGER"/)
  assert.match(maskPiiInText('"message":"Haircut at 5 was not one of the allowed options: [a]"'), /"\[hidden\] was not one of the allowed options/)
})

test('when a Salesforce error quotes the submitted value, then the value is hidden', () => {
  assert.equal(maskPiiInText('STRING_TOO_LONG: Description: data value too large: Can I reschedule my appointment? (max length=32000)'),
    'STRING_TOO_LONG: Description: data value too large: [hidden] (max length=32000)')
  assert.equal(maskPiiInText('data value too large: He said "call me"\nplease (max length=255)'), 'data value too large: [hidden] (max length=255)')
  assert.equal(maskPiiInText('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Status: bad value for restricted picklist field: Maybe later'),
    'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Status: bad value for restricted picklist field: [hidden]')
})

test('when an error text holds ids, timestamps and status codes, then they stay readable', () => {
  const text = 'contact cust_xyz789 conv_abc123 a0B5g00000XyZ at 2024-03-15T10:30:00Z: 429 Too Many Requests'
  assert.equal(maskPiiInText(text), text)
})
