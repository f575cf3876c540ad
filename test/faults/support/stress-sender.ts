import { deliver } from './load.ts'
import type { StressDelivery } from './stress-plan.ts'

export interface SendStats {
  attempts: number
  acknowledged: number
  byOutcome: Record<string, number>
  ms: number
}

/**
 * Sends the planned groups in order with `concurrency` lanes; each delivery goes to its
 * receiver and is retried (after `retryMs`) until answered 200, as AgentClara's retries
 * would. Only the plan is seeded: which lane overtakes which is up to the machine.
 */
export async function sendPlan (options: {
  groups: StressDelivery[][]
  receivers: () => string[]
  secret: string
  concurrency: number
  deadlineMs: number
  retryMs?: number
}): Promise<SendStats> {
  const startedAt = Date.now()
  const deadline = startedAt + options.deadlineMs
  const stats: SendStats = { attempts: 0, acknowledged: 0, byOutcome: {}, ms: 0 }
  const sendOne = async (delivery: StressDelivery) => {
    for (;;) {
      if (Date.now() > deadline) throw new Error(`sending not finished within ${options.deadlineMs} ms: ${stats.acknowledged} acknowledged`)
      const url = options.receivers()[delivery.receiver]
      if (!url) throw new Error(`no receiver ${delivery.receiver}`)
      const result = await deliver(url, delivery.event.body, options.secret)
      const outcome = 'status' in result ? String(result.status) : result.error
      stats.attempts += 1
      stats.byOutcome[outcome] = (stats.byOutcome[outcome] ?? 0) + 1
      if (outcome === '200') {
        stats.acknowledged += 1
        return
      }
      await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 100))
    }
  }
  let next = 0
  const lane = async () => {
    for (let group = options.groups[next++]; group; group = options.groups[next++]) {
      await Promise.all(group.map(sendOne))
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, lane))
  stats.ms = Date.now() - startedAt
  return stats
}
