import { it } from 'node:test'
import assert from 'node:assert/strict'

it('when jsforce is loaded, then the global undici dispatcher is left as it was (jsforce 3 sends through node-fetch 2 and node:http)', async () => {
  const key = Symbol.for('undici.globalDispatcher.1')
  const before = (globalThis as Record<symbol, unknown>)[key]
  await import('jsforce')
  assert.equal((globalThis as Record<symbol, unknown>)[key], before)
})
