import { Agent, request } from 'node:http'
import { randomUUID } from 'node:crypto'
import { sign } from '../src/receiver/signature.ts'
import { quantileOf } from './quantile.ts'

/**
 * Closed-loop load generator in its own process (the server's event loop is not shared):
 * `node bench/load-gen.ts <url> <secret> <concurrency> <warmupMs> <durationMs>`.
 * Keep-alive `node:http` agent with one socket per worker. Each request is a signed unique
 * event, or with 20 % probability a byte-identical resend of an earlier one (a duplicate).
 * Prints one JSON line: counts and ack latencies measured after the warm-up.
 */
const [url, secret, concurrencyArg, warmupArg, durationArg] = process.argv.slice(2) as [string, string, string, string, string]
const concurrency = Number(concurrencyArg)
const warmupMs = Number(warmupArg)
const durationMs = Number(durationArg)
const DUPLICATE_SHARE = 0.2
const target = new URL(url)
const agent = new Agent({ keepAlive: true, maxSockets: concurrency })

const recent: Array<{ body: string, signature: string }> = []
let sequence = 0

// Half the events open a conversation for a new customer, half are a message in the last one
// opened, so a variant whose workers apply events finds their conversations.
let conversation = `conv_${randomUUID()}`

function uniqueEvent (): { body: string, signature: string } {
  sequence++
  const timestamp = new Date().toISOString()
  if (sequence % 2 === 1) conversation = `conv_${randomUUID()}`
  const body = sequence % 2 === 1
    ? JSON.stringify({ event: 'conversation.created', timestamp, data: { conversation_id: conversation, customer_id: `cust_${randomUUID()}`, customer_name: 'Bench Customer', channel: 'sms', status: 'open' } })
    : JSON.stringify({ event: 'message.received', timestamp, data: { conversation_id: conversation, message_id: `msg_${randomUUID()}`, sender: 'customer', content: 'Can I reschedule my appointment?', channel: 'sms' } })
  return { body, signature: sign(body, secret) }
}

function nextDelivery (): { body: string, signature: string } {
  if (recent.length > 0 && Math.random() < DUPLICATE_SHARE) return recent[Math.floor(Math.random() * recent.length)] as { body: string, signature: string }
  const event = uniqueEvent()
  recent.push(event)
  if (recent.length > 1000) recent.shift()
  return event
}

function post (delivery: { body: string, signature: string }): Promise<number> {
  return new Promise((resolve) => {
    const req = request({
      agent,
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(delivery.body), 'x-agentclara-signature': delivery.signature }
    }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', () => resolve(0))
    req.end(delivery.body)
  })
}

const started = performance.now()
const measureFrom = started + warmupMs
const stopAt = measureFrom + durationMs
const latencies: number[] = []
let ok = 0
let errors = 0
const statuses: Record<string, number> = {}

async function worker (): Promise<void> {
  while (performance.now() < stopAt) {
    const sent = performance.now()
    const status = await post(nextDelivery())
    const done = performance.now()
    if (sent < measureFrom || done > stopAt) continue
    latencies.push(done - sent)
    statuses[status] = (statuses[status] ?? 0) + 1
    if (status === 200) ok++
    else errors++
  }
}

await Promise.all(Array.from({ length: concurrency }, worker))
agent.destroy()
latencies.sort((a, b) => a - b)
const quantile = (q: number) => quantileOf(latencies, q)
process.stdout.write(JSON.stringify({
  concurrency,
  seconds: durationMs / 1000,
  requests: latencies.length,
  ok,
  errors,
  statuses,
  rps: ok / (durationMs / 1000),
  p50: quantile(0.5),
  p99: quantile(0.99),
  p999: quantile(0.999)
}) + '\n')
