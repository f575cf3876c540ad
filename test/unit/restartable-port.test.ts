import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { test } from 'node:test'
import { ephemeralLow, restartablePort } from '../faults/support/restartable-port.ts'

const listen = (port: number) => new Promise<Server>((resolve, reject) => {
  const server = createServer()
  server.once('error', reject)
  server.listen(port, '127.0.0.1', () => resolve(server))
})
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()))

test('when a fault test needs a port to restart its server on, then it is below the range outgoing connections take theirs from, and free', async () => {
  const low = await ephemeralLow()
  const port = await restartablePort()
  assert.ok(port >= 20_000 && port < low, `${port} is not in [20000, ${low})`)
  await close(await listen(port))
})

test('when the first port tried is taken, then another one below the range is given', async () => {
  // Pick the first candidate, occupy it, then ask again with the same first draw.
  const draws = [0.5, 0.5, 0.25]
  const first = await restartablePort(() => draws[0] as number)
  const taken = await listen(first)
  try {
    const port = await restartablePort(() => draws.shift() ?? Math.random())
    assert.notEqual(port, first)
    assert.ok(port < await ephemeralLow())
  } finally {
    await close(taken)
  }
})
