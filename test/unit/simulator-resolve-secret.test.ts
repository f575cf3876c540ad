import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { resolveSecret } from '../../src/simulator/resolve-secret.ts'
import { UsageError } from '../../src/simulator/usage-error.ts'

const dir = mkdtempSync(join(tmpdir(), 'simulator-secret-'))
after(() => rmSync(dir, { recursive: true, force: true }))

test('when the service reads its secret from AGENTCLARA_WEBHOOK_SECRET_FILE, then the simulator signs with the first one in that file', async () => {
  const file = join(dir, 'webhook-secret')
  writeFileSync(file, 'first-secret,second-secret\n')
  assert.deepEqual(await resolveSecret({ env: { AGENTCLARA_WEBHOOK_SECRET_FILE: file, DATA_DIR: dir } }),
    { secret: 'first-secret', source: 'AGENTCLARA_WEBHOOK_SECRET_FILE' })
})

test('when both AGENTCLARA_WEBHOOK_SECRET and its _FILE are set, then the simulator stops with a usage error', async () => {
  await assert.rejects(resolveSecret({ env: { AGENTCLARA_WEBHOOK_SECRET: 'x', AGENTCLARA_WEBHOOK_SECRET_FILE: join(dir, 'any'), DATA_DIR: dir } }),
    (error: Error) => error instanceof UsageError && /Both AGENTCLARA_WEBHOOK_SECRET and AGENTCLARA_WEBHOOK_SECRET_FILE/.test(error.message))
})
