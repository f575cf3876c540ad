import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, beforeEach, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import express from 'express'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { verifySignature } from '../../src/receiver/signature.ts'
import { generateEvents, retryOffsetsMs, runSimulation } from '../../src/simulator/index.ts'

const SECRET = 'whsec_simulator_test'
const root = fileURLToPath(new URL('../..', import.meta.url))

/**
 * A stand-in receiver: raw body, signature checked with the same secret (401 otherwise), and
 * 503 on the first attempt of every body whose hash is picked by `failFirst` (or on every
 * attempt, for `failAlways`), 200 otherwise.
 */
const receiver = {
  failFirst: (_hash: Buffer) => false,
  failAlways: (_body: string) => false,
  checkSignature: true,
  seen: new Map<string, number>(),
  accepted: [] as string[],
  answers: { 200: 0, 401: 0, 503: 0 },
  reset () {
    this.failFirst = () => false
    this.failAlways = () => false
    this.checkSignature = true
    this.seen.clear()
    this.accepted = []
    this.answers = { 200: 0, 401: 0, 503: 0 }
  }
}
let server: Server
let url: string

before(async () => {
  const app = express()
  app.post('/webhooks/agentclara', express.raw({ type: () => true }), (req, res) => {
    const raw = req.body as Buffer
    const check = verifySignature({ header: req.get('x-agentclara-signature'), rawBody: raw, secrets: [SECRET] })
    const answer = (status: 200 | 401 | 503) => {
      receiver.answers[status]++
      res.status(status).json(status === 200 ? { success: true } : { error: String(status) })
    }
    if (receiver.checkSignature && !check.ok) return answer(401)
    const body = raw.toString('utf8')
    const hash = createHash('sha256').update(raw).digest()
    const seen = receiver.seen.get(body) ?? 0
    receiver.seen.set(body, seen + 1)
    if (receiver.failAlways(body) || (seen === 0 && receiver.failFirst(hash))) return answer(503)
    receiver.accepted.push(body)
    answer(200)
  })
  server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/agentclara`
})
after(() => new Promise<void>((resolve) => {
  server.closeAllConnections()
  server.close(() => resolve())
}))
beforeEach(() => receiver.reset())

const events = generateEvents({ customers: 40, randomSeed: 'it', runId: 'it' })
const total = (byStatus: Record<string, Record<string, number>>, status: string) =>
  Object.values(byStatus).reduce((sum, counts) => sum + (counts[status] ?? 0), 0)

test('when the receiver answers 503 to some first attempts and retries are on, then every event ends in 200 and the summary adds up', async () => {
  receiver.failFirst = (hash) => hash[0]! % 4 === 0
  const summary = await runSimulation({
    url,
    secret: SECRET,
    events,
    randomSeed: 'it',
    duplicates: 0.2,
    outOfOrder: true,
    badSignature: 0.1,
    retrySchedule: true,
    retryScale: 0.0001,
    concurrency: 8
  })

  assert.equal(summary.ok, true, JSON.stringify(summary.unexpected))
  assert.ok(receiver.answers[503] > 0, 'some first attempts failed')
  assert.equal(summary.retries.requests, receiver.answers[503])
  assert.equal(summary.retries.recoveredDeliveries, receiver.answers[503])
  assert.equal(summary.retries.gaveUp, 0)
  assert.ok(summary.badSignatures.sent > 0)
  assert.equal(summary.badSignatures.answered401, summary.badSignatures.sent)
  assert.equal(receiver.answers[401], summary.badSignatures.sent)
  assert.ok(summary.duplicates.sent > 0)
  assert.equal(summary.events, events.length)
  assert.equal(summary.deliveries, events.length + summary.duplicates.sent + summary.badSignatures.sent)
  assert.equal(summary.delivered, events.length + summary.duplicates.sent)
  assert.equal(summary.requests, receiver.answers[200] + receiver.answers[401] + receiver.answers[503])
  assert.equal(total(summary.statusByEventType, '503'), receiver.answers[503])
  assert.equal(total(summary.statusByEventType, '200'), receiver.answers[200])
  assert.deepEqual(new Set(receiver.accepted), new Set(events.map((event) => event.body)), 'every generated event arrived, byte for byte')
  assert.ok(summary.latencyMs.p50 > 0 && summary.latencyMs.p99 >= summary.latencyMs.p50)
})

test('when retries are off and the receiver answers 503, then those deliveries are unexpected and the run is not ok', async () => {
  receiver.failFirst = (hash) => hash[0]! % 4 === 0
  const summary = await runSimulation({ url, secret: SECRET, events, randomSeed: 'it' })
  assert.equal(summary.ok, false)
  assert.equal(summary.unexpected.count, receiver.answers[503])
  assert.equal(summary.retries.requests, 0)
  assert.ok(summary.unexpected.samples.every((sample) => sample.last === '503' && sample.attempts === 1))
})

test('when a delivery keeps failing, then it is tried four times on the schedule and then given up', async () => {
  const doomed = events[3]!.body
  receiver.failAlways = (body) => body === doomed
  const started = performance.now()
  const summary = await runSimulation({ url, secret: SECRET, events: events.slice(0, 10), retrySchedule: true, retryScale: 0.0001 })
  assert.equal(receiver.seen.get(doomed), 4)
  assert.equal(summary.retries.requests, 3)
  assert.equal(summary.retries.gaveUp, 1)
  assert.equal(summary.unexpected.count, 1)
  assert.deepEqual({ attempts: summary.unexpected.samples[0]!.attempts, last: summary.unexpected.samples[0]!.last }, { attempts: 4, last: '503' })
  assert.ok(performance.now() - started >= retryOffsetsMs(0.0001).at(-1)!, 'waited the scaled schedule (about 210 ms)')
})

test('when the receiver accepts a forged signature, then that is reported as unexpected', async () => {
  receiver.checkSignature = false
  const summary = await runSimulation({ url, secret: SECRET, events: events.slice(0, 20), badSignature: 0.5, randomSeed: 'forged' })
  assert.ok(summary.badSignatures.sent > 0)
  assert.equal(summary.badSignatures.answered401, 0)
  assert.equal(summary.unexpected.count, summary.badSignatures.sent)
  assert.ok(summary.unexpected.samples.every((sample) => sample.badSignature && sample.last === '200'))
})

test('when nothing listens at the URL, then the network errors are counted and the run is not ok', async () => {
  const closed = express().listen(0, '127.0.0.1')
  await once(closed, 'listening')
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const summary = await runSimulation({ url: `http://127.0.0.1:${port}/webhooks/agentclara`, secret: SECRET, events: events.slice(0, 3) })
  assert.equal(summary.ok, false)
  assert.equal(summary.errors.ECONNREFUSED, 3)
  assert.equal(total(summary.statusByEventType, 'error'), 3)
})

test('when a rate is set, then sending is paced by it', async () => {
  const summary = await runSimulation({ url, secret: SECRET, events: events.slice(0, 30), rate: 100, concurrency: 10 })
  assert.equal(summary.ok, true)
  // 30 events at 100/s with a 5-token burst take at least 250 ms.
  assert.ok(summary.durationMs >= 200, `${summary.durationMs} ms`)
})

const runCli = async (args: string[], options: { cwd?: string, env?: NodeJS.ProcessEnv } = {}) => {
  const { AGENTCLARA_WEBHOOK_SECRET: _secret, DATA_DIR: _dataDir, ...env } = process.env
  const child = spawn(process.execPath, [join(root, 'src/cli/simulate.ts'), ...args], { cwd: options.cwd ?? root, env: { ...env, ...options.env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => { stdout += chunk })
  child.stderr.on('data', (chunk) => { stderr += chunk })
  const [code] = await once(child, 'close')
  return { code: code as number, stdout, stderr }
}

test('when the CLI sends --seed, then the five samples arrive byte for byte in the page\'s order and it exits 0', async () => {
  const { code, stdout, stderr } = await runCli(['--seed', '--url', url, '--secret', SECRET, '--json', '--quiet'])
  assert.equal(code, 0, stderr)
  const summary = JSON.parse(stdout)
  assert.equal(summary.ok, true)
  assert.equal(summary.delivered, 5)
  assert.deepEqual(receiver.accepted, seedEventTypes.map((type) => seedEventBody(type)))
})

test('when the CLI\'s deliveries are answered 503 without retries, then it exits 1 and says so', async () => {
  receiver.failFirst = () => true
  const { code, stdout } = await runCli(['--event', 'message.received', '--url', url, '--secret', SECRET, '--quiet'])
  assert.equal(code, 1)
  assert.match(stdout, /UNEXPECTED: 1 deliveries/)
})

test('when the CLI has no secret and no secrets file, then it explains --secret, exits 2 and creates no file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simulate-'))
  after(() => rm(dir, { recursive: true, force: true }))
  const { code, stderr } = await runCli(['--seed', '--url', url], { cwd: dir, env: { DATA_DIR: join(dir, '.data') } })
  assert.equal(code, 2)
  assert.match(stderr, /--secret/)
  assert.equal(existsSync(join(dir, '.data')), false)
})

test('when the CLI has no --secret, then it signs with the dev secret the service keeps in DATA_DIR', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simulate-'))
  after(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'secrets.json'), JSON.stringify({ webhookSecret: SECRET, adminToken: 'x' }), { mode: 0o600 })
  const { code, stdout, stderr } = await runCli(['--generate', '--customers', '3', '--url', url, '--json'], { env: { DATA_DIR: dir } })
  assert.equal(code, 0, stderr)
  assert.equal(JSON.parse(stdout).ok, true)
  assert.match(stderr, /secret from .*secrets\.json/)
})

test('when the CLI gets a bad option, then it exits 2 with a message', async () => {
  const { code, stderr } = await runCli(['--generate', '--duplicates', '2'])
  assert.equal(code, 2)
  assert.match(stderr, /--duplicates is a fraction/)
})
