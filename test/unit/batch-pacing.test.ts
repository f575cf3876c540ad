import assert from 'node:assert/strict'
import { test } from 'node:test'
import { batchPacing, callSpacing, createSpendGate, demandShare, FILL_TARGET, MAX_LINGER_MS, OVERLOAD, PRESSURE, spendShare, timeToFill } from '../../src/sync/batch-pacing.ts'
import { createDemandMeter } from '../../src/sync/demand-meter.ts'
import { createFetchPacer, localPacerStore } from '../../src/sync/fetch-pacer.ts'

const quiet = { usage: 0, demand: 0, workload: 0, fetchWasFull: false }

test('when the budget is quiet, then a batch goes at once and contacts are written with every change', () => {
  assert.deepEqual(batchPacing(quiet), { deferContactUpdates: false, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 0 })
  assert.deepEqual(batchPacing({ ...quiet, usage: PRESSURE - 0.01, demand: PRESSURE - 0.01 }), { deferContactUpdates: false, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 0 })
})

test('when the window fills or demand grows, then the linger before the next fetch grows with it, up to the bound', () => {
  assert.deepEqual(batchPacing({ ...quiet, usage: PRESSURE }), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 0 })
  assert.equal(batchPacing({ ...quiet, usage: PRESSURE + (1 - PRESSURE) / 2 }).lingerMs, MAX_LINGER_MS / 2)
  assert.equal(batchPacing({ ...quiet, usage: 1 }).lingerMs, MAX_LINGER_MS)
  assert.equal(batchPacing({ ...quiet, usage: 3 }).lingerMs, MAX_LINGER_MS)
  assert.equal(batchPacing({ ...quiet, usage: 0.2, demand: PRESSURE + (1 - PRESSURE) / 4 }).lingerMs, MAX_LINGER_MS / 4)
})

test('when the budget is the bottleneck but changes come slowly, then the linger is at least the time they take to fill most of a call, up to the bound', () => {
  const slightly = { ...quiet, usage: PRESSURE + (1 - PRESSURE) / 10 }
  assert.equal(batchPacing(slightly).lingerMs, MAX_LINGER_MS / 10)
  assert.equal(batchPacing({ ...slightly, fillMs: 1500 }).lingerMs, 1500, 'the fill time, not the pressure, sets it')
  assert.equal(batchPacing({ ...slightly, fillMs: 50 }).lingerMs, MAX_LINGER_MS / 10, 'the pressure still sets it when calls fill faster')
  assert.equal(batchPacing({ ...slightly, fillMs: Infinity }).lingerMs, MAX_LINGER_MS, 'no new changes: the bound')
  assert.equal(batchPacing({ ...quiet, usage: PRESSURE - 0.01, fillMs: 1500 }).lingerMs, 0, 'a budget that is not the bottleneck never waits to fill')
  assert.equal(batchPacing({ ...slightly, fillMs: 1500, fetchWasFull: true }).lingerMs, 0, 'a full fetch: more is queued already')
})

test('when the window spends faster than the daily allowance lasts though each flow fits in full calls, then the pacing is on and the wait fills most of a call', () => {
  // Salesforce at 100 new customers a second written at once: 12 small calls a second, demand 0.2.
  const atOnce = { ...quiet, demand: 0.2, spend: 20, fillMs: 8000 }
  assert.deepEqual(batchPacing(atOnce), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: MAX_LINGER_MS })
  assert.equal(batchPacing({ ...atOnce, fillMs: 600 }).lingerMs, 600, 'what was spent does not lengthen the wait past the fill time: it reads what the pacing shapes')
  assert.equal(batchPacing({ ...atOnce, spend: PRESSURE - 0.01 }).lingerMs, 0, 'spending under half the daily rate: at once')
  assert.equal(batchPacing({ ...atOnce, spend: 20 }).holdArrivingContacts, false, 'no new contact is held for it: that is the demand\'s to say')
})

test('when only the spending is high and the call spacing is known, then the linger is that spacing: waiting longer to fill a call the flow cannot fill only adds lag', () => {
  // Salesforce at 100 new customers a second, paced: a call every 1.7 s keeps to the day's share.
  const paced = { ...quiet, demand: 0.2, spend: 0.9, fillMs: 8000, spacingMs: 1728 }
  assert.deepEqual(batchPacing(paced), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 1728 })
  assert.equal(batchPacing({ ...paced, demand: PRESSURE }).lingerMs, MAX_LINGER_MS, 'demand under pressure too: the wait fills most of a call, up to the bound')
  assert.equal(batchPacing({ ...paced, usage: PRESSURE }).lingerMs, MAX_LINGER_MS, 'the window under pressure too: the same')
})

test('when 120 calls went out in a 10 s window of 237 and the day sustains 0.58 a second, then the window spent 20.7 times its daily share', () => {
  const salesforce = { callsPerSecond: 0.58, windowCallsPerSecond: 23.7 }
  assert.equal(spendShare(120 / 237, salesforce).toFixed(1), '20.7')
  assert.equal(spendShare(0.5, { callsPerSecond: 9.5, windowCallsPerSecond: 9.5 }), 0.5, 'the window is what binds: spend is its usage')
  assert.equal(spendShare(0.5, { callsPerSecond: 0.58 }), 0, 'a limiter that does not say its window: not known')
  assert.equal(spendShare(0.5, undefined), 0)
})

test('when the window spends at the daily rate, then what was spent counts until it falls under half of it; a start-up\'s few calls under the daily rate never count', () => {
  const gate = createSpendGate()
  assert.equal(gate(0.7), 0, 'a few calls together: under the daily rate')
  assert.equal(gate(OVERLOAD), OVERLOAD, 'at the daily rate: on')
  assert.equal(gate(0.8), 0.8, 'paced, the flow spends under the daily rate and stays paced')
  assert.equal(gate(PRESSURE), PRESSURE)
  assert.equal(gate(PRESSURE - 0.01), 0, 'under half of it: off')
  assert.equal(gate(0.8), 0, 'and off until the daily rate again')
})

test('when the window still holds the start-up\'s own calls, then they do not count for the window\'s length from the start, but what the workers spend on top of them does', () => {
  let t = 1_000_000
  const gate = createSpendGate({ graceMs: 10_000, now: () => t })
  assert.equal(gate(1.17), 0, '17 HubSpot setup calls in the window at the first look: the daily rate, but not paced by us')
  t += 2000
  assert.equal(gate(1.17 + 0.5), 0, 'the workers\' own calls: half the daily rate')
  t += 2000
  assert.equal(gate(1.17 + 1.2).toFixed(2), '1.20', 'the workers\' own calls at the daily rate: on')
  t += 6000
  assert.equal(gate(0.6), 0.6, 'after the first window all of it counts (the setup calls have left it): still on')
  assert.equal(createSpendGate({ now: () => t })(1.17), 1.17, 'no grace unless asked for')
  let late = 0
  const idle = createSpendGate({ graceMs: 10_000, now: () => late })
  late += 60_000
  assert.equal(idle(1.17), 1.17, 'a first look after the first window: nothing left out')
})

test('when 50 records change a second, then 80 of a 100-record call take 1.6 s to arrive', () => {
  assert.equal(FILL_TARGET, 0.8)
  assert.equal(timeToFill(50, 100), 1600)
  assert.equal(timeToFill(1000, 200), 160)
  assert.equal(timeToFill(0, 100), Infinity)
})

test('when the budget is quiet, then a fetch still goes at once but the next one waits a call\'s share of the day; a full fetch never waits', () => {
  const spaced = { ...quiet, spacingMs: 1724 }
  assert.deepEqual(batchPacing(spaced), { deferContactUpdates: false, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 1724 })
  assert.equal(batchPacing({ ...spaced, fetchWasFull: true }).lingerMs, 0, 'more is queued: the next fetch fills its calls at once')
  assert.equal(batchPacing({ ...spaced, demand: 5 }).lingerMs, MAX_LINGER_MS, 'the pressure\'s longer wait wins')
  assert.equal(batchPacing({ ...spaced, spacingMs: 690, demand: PRESSURE, fillMs: 400 }).lingerMs, 690, 'the spacing is a floor under the fill time')
})

test('when the budget sustains 0.58 calls a second all day, then part-filled calls go at most every 1.7 s; never more than the longest linger apart', () => {
  assert.equal(callSpacing({ callsPerSecond: 100_000 * 0.5 / 86_400 }), 1728)
  assert.equal(callSpacing({ callsPerSecond: 250_000 * 0.5 / 86_400 }), 691)
  assert.equal(callSpacing({ callsPerSecond: 0.01 }), MAX_LINGER_MS, 'a small daily quota: bounded by the linger, for latency')
  assert.equal(callSpacing({ callsPerSecond: Infinity }), 0, 'a budget with no rate: no floor')
  assert.equal(callSpacing(undefined), 0)
})

test('when changes arrive faster than the budget could write them one by one, then contact updates wait though nothing is spent yet', () => {
  assert.deepEqual(batchPacing({ ...quiet, demand: PRESSURE }), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 0 })
  assert.equal(batchPacing({ ...quiet, demand: 5 }).lingerMs, MAX_LINGER_MS)
})

test('when changes arrive faster than the budget could write even in full calls, then new contacts wait for their customers to go quiet, every call goes full and a rest may wait to fill; below that they go at once', () => {
  assert.deepEqual(batchPacing({ ...quiet, demand: OVERLOAD }), { deferContactUpdates: true, holdArrivingContacts: true, fillCalls: true, waitToFill: true, lingerMs: MAX_LINGER_MS })
  assert.equal(batchPacing({ ...quiet, demand: OVERLOAD - 0.01 }).holdArrivingContacts, false)
  assert.equal(batchPacing({ ...quiet, demand: OVERLOAD - 0.01 }).fillCalls, false)
  assert.equal(batchPacing({ ...quiet, usage: 1 }).holdArrivingContacts, false, 'a full window alone is not overload: the steady flow it came from may be one the budget sustains')
  assert.equal(batchPacing({ ...quiet, demand: 5, usage: PRESSURE }).holdArrivingContacts, false, 'a filling window paces the drain: holding would only stretch it')
  assert.equal(batchPacing({ ...quiet, demand: 5, usage: PRESSURE }).fillCalls, true)
})

test('when deliveries come in at the door faster than the budget could write even in full calls, then the burst counts before the sync has seen it; a flow under that is the sync\'s own meter\'s to judge', () => {
  const overloaded = { deferContactUpdates: true, holdArrivingContacts: true, fillCalls: true, waitToFill: true, lingerMs: MAX_LINGER_MS }
  assert.deepEqual(batchPacing({ ...quiet, demand: 0.1, arriving: OVERLOAD }), overloaded)
  assert.deepEqual(batchPacing({ ...quiet, demand: 0.1, arriving: OVERLOAD }), batchPacing({ ...quiet, demand: OVERLOAD }))
  assert.deepEqual(batchPacing({ ...quiet, demand: 0.1, arriving: OVERLOAD - 0.01 }), batchPacing({ ...quiet, demand: 0.1 }), 'under OVERLOAD the door changes nothing, though over PRESSURE')
  assert.deepEqual(batchPacing({ ...quiet, demand: 5, arriving: OVERLOAD }), batchPacing({ ...quiet, demand: 5 }), 'the higher reading counts')
  assert.equal(batchPacing({ ...quiet, arriving: 5, usage: PRESSURE }).holdArrivingContacts, false, 'a filling window paces the drain: holding would only stretch it')
})

test('when the work is put-off jobs coming back rather than new changes, then calls still go full but no new contact is held for it', () => {
  assert.deepEqual(batchPacing({ ...quiet, workload: OVERLOAD }), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: true, waitToFill: false, lingerMs: MAX_LINGER_MS })
  assert.deepEqual(batchPacing({ ...quiet, workload: PRESSURE }), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: false, waitToFill: false, lingerMs: 0 })
})

test('when a fetch came back full, then more is queued: contacts are deferred but nothing lingers (the next fetch is full too)', () => {
  assert.deepEqual(batchPacing({ ...quiet, fetchWasFull: true }), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: true, waitToFill: false, lingerMs: 0 })
  assert.deepEqual(batchPacing({ usage: 1, demand: 1, workload: 1, fetchWasFull: true }), { deferContactUpdates: true, holdArrivingContacts: false, fillCalls: true, waitToFill: false, lingerMs: 0 })
})

test('when 700 records change a second, then writing each as it comes would take 7 HubSpot calls a second: 74 % of 9.5', () => {
  assert.equal(demandShare(700, { recordsPerCall: 100, callsPerSecond: 9.5 }).toFixed(2), '0.74')
  assert.equal(demandShare(700, undefined), 0, 'a connector that does not say what a call carries is never under demand')
  assert.equal(demandShare(700, { recordsPerCall: 100, callsPerSecond: Infinity }), 0)
})

test('when fetches are recorded, then the demand is what arrived since the oldest fetch of the window, per second, and older ones drop out', async () => {
  let clock = 0
  const meter = createDemandMeter({ windowMs: 5000, now: () => clock })
  await meter.record(100)
  assert.equal(await meter.perSecond(), 20, 'one fetch alone counts over the whole window')
  clock = 500
  await meter.record(300)
  assert.equal(await meter.perSecond(), 600, 'a burst shows from its second fetch: 300 jobs in the half second since the first')
  clock = 2500
  await meter.record(100)
  assert.equal(await meter.perSecond(), 160, '400 since the oldest fetch, 2.5 s ago')
  clock = 5200
  assert.equal(await meter.perSecond(), 100 / 4.7, 'the first fetch dropped out: 100 since the one at 0.5 s')
  clock = 7500
  assert.equal(await meter.perSecond(), 0)
})

test('when a stall left jobs queued for the next fetches, then they count from when they were queued, not as a burst between the two fetches; a burst still shows', async () => {
  let clock = 10_000
  const meter = createDemandMeter({ windowMs: 5000, now: () => clock })
  // A worker waited 5 s on its CRM while 100 changes a second were queued; its next fetch is
  // full (the oldest 400, the earliest queued 5 s before it), and half a second later the next
  // one takes the rest (the earliest queued 1 s before the first fetch).
  await meter.record(400, 5000)
  clock = 10_500
  await meter.record(150, 1500)
  assert.equal(await meter.perSecond(), 100, '150 over the 1.5 s since the earliest of them was queued, not 300 a second over the half second between the fetches')
  // A burst: 400 queued within the 0.3 s between two full fetches.
  const burst = createDemandMeter({ windowMs: 5000, now: () => clock })
  await burst.record(400, 200)
  clock = 10_800
  await burst.record(400, 300)
  assert.equal(await burst.perSecond(), 400 / 0.3)
})

test('when two slots linger, then their fetches are spaced by the linger across both, not each on its own', async () => {
  let t = 0
  const pacer = createFetchPacer(localPacerStore(() => t))
  await pacer.fetched() // slot A fetches at 0
  t = 400; await pacer.fetched() // slot B at 400
  t = 150; assert.equal(await pacer.nextTurn(800), 1050, 'A: 800 ms after B\'s fetch, not after its own')
  t = 500; assert.equal(await pacer.nextTurn(800), 1500, 'B: after A\'s reserved turn (1 200), not at the same time')
  t = 1200; await pacer.fetched() // A fetches on its turn
  t = 1300; assert.equal(await pacer.nextTurn(800), 1500, 'A again: after B\'s reserved turn (2 000)')
})

test('when a slot\'s fetch lands tens of ms after its turn (its jobs completed first), then its next turn counts from that turn, so turns keep the spacing; a fetch long after its lapsed turn counts from itself', async () => {
  let t = 0
  const pacer = createFetchPacer(localPacerStore(() => t))
  await pacer.fetched()
  t = 100; assert.equal(await pacer.nextTurn(1000), 900, 'turn at 1 000')
  t = 1045; assert.equal(await pacer.fetched(), 0, 'on its turn, 45 ms late')
  t = 1200; assert.equal(await pacer.nextTurn(1000), 800, 'next turn at 2 000: 1 000 after the turn, not after the fetch (2 045)')
  t = 2080; await pacer.fetched()
  t = 2100; assert.equal(await pacer.nextTurn(1000), 900, 'at 3 000: every turn 1 000 apart')
  t = 2150; assert.equal(await pacer.fetched(), 850, 'an idle slot before that turn still waits for it')
  t = 8000; assert.equal(await pacer.fetched(), 0, 'long after the turn (its fetch found nothing until a job came)')
  t = 8050; assert.equal(await pacer.nextTurn(1000), 950, 'counts from that fetch (8 000), not from the lapsed turn')
})

test('when a batch needs no linger, then its slot fetches at once and reserves nothing; a turn is never in the past', async () => {
  let t = 1000
  const pacer = createFetchPacer(localPacerStore(() => t))
  await pacer.fetched()
  assert.equal(await pacer.nextTurn(0), 0)
  t = 5000
  assert.equal(await pacer.nextTurn(800), 0, 'the latest fetch is older than the linger: at once')
  assert.equal(await pacer.nextTurn(800), 800, 'the turn just reserved counts as the latest fetch')
})

test('when an idle slot fetches before the turn a lingering slot holds, then the pacer says how long until that turn; on its own turn, or with no turn held, a fetch goes at once', async () => {
  let t = 0
  const pacer = createFetchPacer(localPacerStore(() => t))
  assert.equal(await pacer.fetched(), 0, 'no turn held: at once')
  t = 100; assert.equal(await pacer.nextTurn(1700), 1600, 'A lingers until 1 700')
  t = 300; assert.equal(await pacer.fetched(), 1400, 'B, idle, fetched 1 400 ms before A\'s turn')
  assert.equal(await pacer.nextTurn(1700), 3100, 'B takes the turn after A\'s (3 400)')
  t = 1710; assert.equal(await pacer.fetched(), 0, 'A on its turn (a few ms late): at once, though B\'s turn is ahead')
  t = 1800; assert.equal(await pacer.nextTurn(1700), 3300, 'A again: after B\'s turn')
  t = 3400; assert.equal(await pacer.fetched(), 0, 'B on its turn')
  t = 10_000; assert.equal(await pacer.fetched(), 0, 'A\'s turn lapsed (its fetch found nothing): not held any more')
  t = 10_300; assert.equal(await pacer.fetched(), 1400, 'within the latest spacing of a fetch whose slot is still at its batch (no turn reserved yet)')
  assert.equal(await pacer.fetched(false), 0, 'a batch that cannot wait is granted anyway')
  t = 12_100; assert.equal(await pacer.fetched(), 0, 'past the spacing: at once')
  assert.equal(await pacer.nextTurn(0), 0)
  assert.equal(await pacer.fetched(), 0, 'a batch that asked for no spacing: no fetch comes early')
})
