import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import { editedDefault, lineOf } from '../helpers/mapping-files.ts'

// `npm run crm:setup -- --check-mapping` as CI runs it: a real process, here against the
// sandboxes (no credentials set), with the mapping files named in the environment.
function checkMapping (env: Record<string, string>): Promise<{ code: number | null, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['src/cli/crm-setup.ts', '--check-mapping'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, output }))
  })
}

test('when both mapping files fit, then --check-mapping exits 0 and says so per CRM', async () => {
  const { code, output } = await checkMapping({})
  assert.equal(code, 0, output)
  assert.match(output, /hubspot: field mapping OK/)
  assert.match(output, /salesforce: field mapping OK/)
})

test('when a mapping has a problem, then --check-mapping exits 1 naming file, line and property', async () => {
  const { path, text } = editedDefault('salesforce', [['target: Description, policy: always', 'target: Body__c, policy: always']])
  const { code, output } = await checkMapping({ SALESFORCE_MAPPING_FILE: path })
  assert.equal(code, 1, output)
  assert.match(output, /hubspot: field mapping OK/)
  assert.ok(output.includes(`${path}:${lineOf(text, 'Body__c')}: message.Task[1].target: Salesforce Task has no property "Body__c"`), output)
})

test('when a mapping file cannot be parsed, then --check-mapping exits 1 with the line', async () => {
  const { path, text } = editedDefault('hubspot', [['policy: always, empty: skip }', 'policy: always, empty: skip']])
  const { code, output } = await checkMapping({ HUBSPOT_MAPPING_FILE: path })
  assert.equal(code, 1, output)
  assert.match(output, new RegExp(`${path}:${lineOf(text, 'empty: skip')}: not valid YAML|${path}:${lineOf(text, 'empty: skip') + 1}: not valid YAML`))
})
