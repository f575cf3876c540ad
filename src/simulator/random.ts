/**
 * A small seeded PRNG (mulberry32), so a run is reproducible from `--random-seed` alone.
 * Not for anything secret.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next (): number
  /** Integer in [0, maxExclusive). */
  int (maxExclusive: number): number
  /** Integer in [min, max], both inclusive. */
  between (min: number, max: number): number
  pick<T> (items: readonly T[]): T
  chance (probability: number): boolean
  /** Fisher–Yates, in place. */
  shuffle<T> (items: T[]): T[]
}

export function createRandom (seed: string | number): Random {
  let state = hashSeed(String(seed))
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (maxExclusive: number): number => Math.floor(next() * maxExclusive)
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list')
      return items[int(items.length)] as (typeof items)[number]
    },
    chance: (probability) => probability > 0 && next() < probability,
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1)
        const swap = items[i] as (typeof items)[number]
        items[i] = items[j] as (typeof items)[number]
        items[j] = swap
      }
      return items
    }
  }
}

/** FNV-1a: any string seed ("42", "ci-run") becomes a 32-bit state. */
function hashSeed (seed: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}
