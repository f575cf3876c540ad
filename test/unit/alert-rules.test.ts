import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

// promtool ships with Prometheus (Debian: `apt-get install prometheus`); without it this skips.
const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0
const skip = promtool ? false : 'promtool not installed'

test('when promtool checks the alert rules, then they are valid and fire on the series their tests feed them', { skip }, () => {
  for (const args of [['check', 'rules', 'deploy/prometheus/alerts.yml'], ['test', 'rules', 'deploy/prometheus/alerts.test.yml']]) {
    const run = spawnSync('promtool', args, { encoding: 'utf8' })
    assert.equal(run.status, 0, `${args.join(' ')}:\n${run.stdout}${run.stderr}`)
  }
})
