import type { Logger } from 'pino'
import { createLogger } from '../../src/logger.ts'

/**
 * The one knob for log output in tests: TEST_LOG_LEVEL (pino level, default `silent`).
 * `TEST_LOG_LEVEL=debug npm test -- test/integration/sync-end-to-end.test.ts` shows the
 * service's logs while a test runs.
 */
export function testLogLevel (fallback = 'silent'): string {
  return process.env.TEST_LOG_LEVEL || fallback
}

export function testLogger (): Logger {
  return createLogger({ level: testLogLevel() })
}
