import type { EventType } from '../events/schemas.ts'
import { createRandom } from './random.ts'
import { shuffleWithinWindows } from './shuffle-windows.ts'
import type { SimEvent } from './sim-event.ts'

export type DuplicateTiming = 'immediate' | 'later' | 'concurrent'

export interface Delivery {
  /** Position in the plan (1-based); duplicates refer to their original by it. */
  seq: number
  type: EventType
  /** The exact bytes to send; a duplicate shares its original's string. */
  body: string
  /** Signed with a wrong secret: the receiver should answer 401. */
  badSignature: boolean
  /**
   * A re-send of delivery `of`: `immediate` goes out as soon as the original is answered,
   * `concurrent` together with it, `later` some way down the stream.
   */
  duplicate?: { of: number, timing: DuplicateTiming }
}

export interface PlanOptions {
  /** Fraction (0..1) of deliveries sent a second time. */
  duplicates?: number
  /** Shuffle within windows so some events arrive before the ones they depend on. */
  outOfOrder?: boolean
  outOfOrderWindow?: number
  /** Fraction (0..1) of events that also get a forged delivery, signed with a wrong secret. */
  badSignature?: number
  randomSeed?: string | number
}

const DUPLICATE_TIMINGS: readonly DuplicateTiming[] = ['immediate', 'later', 'concurrent']

/**
 * Turns events into delivery groups; each group is dispatched together (in order, subject to
 * pacing and concurrency). Forged deliveries are extra: every event is still sent correctly
 * signed, so the receiver's data stays complete. Deterministic given the random seed.
 */
export function planDeliveries (events: readonly SimEvent[], options: PlanOptions = {}): Delivery[][] {
  const duplicates = fraction('duplicates', options.duplicates)
  const badSignature = fraction('badSignature', options.badSignature)
  const random = createRandom(`${options.randomSeed ?? 0}:plan`)
  const ordered = options.outOfOrder ? shuffleWithinWindows(events, options.outOfOrderWindow ?? 10, random) : events

  let seq = 0
  const groups: Delivery[][] = ordered.map((event) => [{ seq: ++seq, type: event.type, body: event.body, badSignature: false }])
  // Decide first, insert afterwards, so inserted groups never get duplicates of their own.
  const inserts: Array<{ at: number, group: Delivery[] }> = []
  groups.forEach((group, index) => {
    const original = group[0] as Delivery
    if (random.chance(duplicates)) {
      const timing = random.pick(DUPLICATE_TIMINGS)
      const copy: Delivery = { ...original, seq: ++seq, duplicate: { of: original.seq, timing } }
      if (timing === 'concurrent') group.push(copy)
      else inserts.push({ at: timing === 'immediate' ? index + 1 : index + random.between(5, 50), group: [copy] })
    }
    if (random.chance(badSignature)) {
      inserts.push({ at: index + random.between(0, 3), group: [{ ...original, seq: ++seq, badSignature: true }] })
    }
  })
  // Insert from the back so earlier positions stay valid.
  inserts.sort((a, b) => b.at - a.at)
  for (const { at, group } of inserts) groups.splice(Math.min(at, groups.length), 0, group)
  return groups
}

function fraction (name: string, value: number | undefined): number {
  const result = value ?? 0
  if (!(result >= 0 && result <= 1)) throw new RangeError(`${name} must be a fraction between 0 and 1, got ${value}`)
  return result
}
