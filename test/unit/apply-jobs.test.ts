import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyJobsFor, eventsOf, MAX_EVENTS_PER_APPLY_JOB } from '../../src/mirror/apply-queue.ts'

const refs = (n: number) => Array.from({ length: n }, (_, index) => ({ id: String(index + 1), trace: index === 0 ? { traceparent: '00-abc-def-01' } : undefined }))

test('when a group commit stores more events than one apply job holds, then they are split in order, each job full but the last', () => {
  const events = refs(2 * MAX_EVENTS_PER_APPLY_JOB + 3)
  const jobs = applyJobsFor(events)
  assert.deepEqual(jobs.map((job) => eventsOf(job.data).length), [MAX_EVENTS_PER_APPLY_JOB, MAX_EVENTS_PER_APPLY_JOB, 3])
  assert.deepEqual(jobs.flatMap((job) => eventsOf(job.data)), events, 'every event once, in order, with its trace')
})

test('when nothing new was stored, then no apply job is made', () => {
  assert.deepEqual(applyJobsFor([]), [])
})

test('when a job is a retry of one event, then it names that event and its trace', () => {
  assert.deepEqual(eventsOf({ eventId: '42', trace: { traceparent: 't' } }), [{ id: '42', trace: { traceparent: 't' } }])
})
