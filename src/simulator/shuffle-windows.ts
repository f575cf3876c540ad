import type { Random } from './random.ts'

/**
 * Shuffles each consecutive window of `size` items (returns a new array). Events stay near
 * their place in time but, e.g., a message may now arrive before its conversation.created.
 */
export function shuffleWithinWindows<T> (items: readonly T[], size: number, random: Random): T[] {
  if (!Number.isInteger(size) || size < 2) throw new RangeError(`window size must be an integer >= 2, got ${size}`)
  const result: T[] = []
  for (let start = 0; start < items.length; start += size) {
    result.push(...random.shuffle(items.slice(start, start + size)))
  }
  return result
}
