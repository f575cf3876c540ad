/**
 * What one write call of a connector carries: `recordsPerCall` records, in collections of one
 * kind of at most `recordsPerCollection` each (Salesforce's Composite: five sObject
 * Collections of 200). None: a call is one collection (HubSpot's batch calls, 100 of a kind).
 */
export interface CallShape {
  recordsPerCall: number
  recordsPerCollection?: number
}

/**
 * The calls `counts` (records of each kind) take: the kinds sharing calls when `together`
 * (a connector with `upsertTogether`), each kind in calls of its own otherwise.
 */
export function callsFor (shape: CallShape, counts: number[], together: boolean): number {
  const collection = Math.min(shape.recordsPerCollection ?? shape.recordsPerCall, shape.recordsPerCall)
  const perCall = Math.max(1, Math.floor(shape.recordsPerCall / collection))
  const collections = counts.map((n) => Math.ceil(n / collection))
  if (!together) return collections.reduce((sum, n) => sum + Math.ceil(n / perCall), 0)
  return Math.ceil(collections.reduce((sum, n) => sum + n, 0) / perCall)
}

/**
 * How many more records of kind `kind` (an index into `counts`) the calls `counts` take
 * anyway would carry without taking one more, up to `most`: 0 when they take none.
 */
export function roomIn (shape: CallShape, counts: number[], kind: number, most: number, together: boolean): number {
  const calls = callsFor(shape, counts, together)
  if (calls === 0) return 0
  const plus = (k: number) => counts.map((n, i) => i === kind ? n + k : n)
  let room = 0
  while (room < most && callsFor(shape, plus(room + 1), together) === calls) room++
  return room
}
