import { setTimeout as delay } from 'node:timers/promises'
import type pg from 'pg'
import { applyLagMs } from '../src/mirror/apply-lag.ts'
import { deliveriesPerSecond } from '../src/receiver/delivery-rate.ts'

/**
 * The apply worker gives way to the receiver during a burst it cannot keep up with: the
 * receiver answers AgentClara, which retries (and so sends more) when we are slow, and what
 * it stores is durable; what the apply worker does can wait seconds. So when the worker is
 * behind the inbox by `behindMs` or more AND deliveries are still coming faster than it has
 * just applied them (its last batch's pace), it rests as long as that batch took, at most
 * `maxRestMs`: half its pace, and more of the CPU and the database for the door. It never
 * rests otherwise: not while it keeps up (a steady flow), and not while it works through a
 * backlog that no longer grows (after an outage, or once the burst is over). Under the
 * ingestion bench's overload on two cores, the receiver with every worker syncing took
 * 1 942–2 717 deliveries a second against 1 832–2 175 without, in three alternating pairs:
 * what the sync is fed halves, and so does its churn (docs/benchmark-findings.md).
 */
export interface GiveWayOptions {
  behindMs?: number
  /** Over how long deliveries are counted at the door (their rate). */
  windowMs?: number
  maxRestMs?: number
}

const DEFAULTS = { behindMs: 1000, windowMs: 1000, maxRestMs: 1000 }

/** Whether to rest: behind, and the door outpaces the worker (both per second). */
export function shouldGiveWay (reading: { behindMs: number, deliveriesPerSecond: number, appliedPerSecond: number }, behindMs = DEFAULTS.behindMs): boolean {
  return reading.behindMs >= behindMs && reading.deliveriesPerSecond >= reading.appliedPerSecond
}

/**
 * After each apply batch (committed): `events` applied in `batchMs`. Resolves once the
 * worker may fetch again: at once, or after its rest (cut short by `signal`, e.g. shutdown).
 * `rest` is the wait itself (a test's clock).
 */
export function createGiveWayToDeliveries (deps: { pool: pg.Pool, options?: GiveWayOptions, rest?: (ms: number, signal?: AbortSignal) => Promise<void> }) {
  const { behindMs, windowMs, maxRestMs } = { ...DEFAULTS, ...deps.options }
  const rest = deps.rest ?? (async (ms: number, signal?: AbortSignal) => { await delay(ms, undefined, { signal }).catch(() => {}) })
  /** Behind and outpaced at the door; the door is counted only when behind. */
  async function outpaced (batch: { events: number, batchMs: number }): Promise<boolean> {
    const behind = await applyLagMs(deps.pool)
    if (behind < behindMs) return false
    const appliedPerSecond = batch.events / (batch.batchMs / 1000)
    // Counted up to the worker's pace: past it, how far past changes nothing.
    const atTheDoor = await deliveriesPerSecond(deps.pool, { windowMs, atMost: appliedPerSecond * windowMs / 1000 })
    return shouldGiveWay({ behindMs: behind, deliveriesPerSecond: atTheDoor, appliedPerSecond }, behindMs)
  }
  return async function giveWay (batch: { events: number, batchMs: number }, signal?: AbortSignal): Promise<void> {
    if (batch.events === 0 || batch.batchMs <= 0) return
    // Best effort, after the batch committed: a failed read means no rest, never a failed batch.
    if (await outpaced(batch).catch(() => false)) await rest(Math.min(maxRestMs, batch.batchMs), signal)
  }
}

export type GiveWay = ReturnType<typeof createGiveWayToDeliveries>
