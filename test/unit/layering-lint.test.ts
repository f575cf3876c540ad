import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ESLint } from 'eslint'

// The lint rule that keeps dependencies pointing one way (eslint.config.js): checked here
// on imports that would break it, so a loosened rule fails a test, not just a review.
const eslint = new ESLint({ cwd: new URL('../..', import.meta.url).pathname })

async function problems (filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message)
}

test('when the mirror imports the sync stage (a back edge), then lint fails and names what it may import', async () => {
  const found = await problems('src/mirror/probe.ts', "import { syncQueue } from '../sync/sync-queue.ts'\nexport const probe = syncQueue\n")
  assert.equal(found.length, 1)
  assert.match(found[0] ?? '', /src\/mirror may import only: events, db/)
})

test('when a CRM folder imports its sandbox, then lint fails', async () => {
  const found = await problems('src/crm/hubspot/probe.ts', "import { createHubspotSandbox } from '../../sandbox/hubspot/index.ts'\nexport const probe = createHubspotSandbox\n")
  assert.equal(found.length, 1)
})

test('when anything in src/ imports workers/, then lint fails', async () => {
  const found = await problems('src/sync/probe.ts', "import { startWorkers } from '../../workers/start-workers.ts'\nexport const probe = startWorkers\n")
  assert.ok(found.some((message) => /nothing in src\/ imports workers/.test(message)))
})

test('when the sync stage imports the CRM contract (down the data path), then lint passes', async () => {
  assert.deepEqual(await problems('src/sync/probe.ts', "import type { CrmConnector } from '../crm/connector.ts'\nexport type Probe = CrmConnector\n"), [])
})
