import { pino, type Logger, type LoggerOptions } from 'pino'

/**
 * Paths that may carry PII or secrets if someone logs a request or payload; pino replaces
 * them. We also simply never log payloads, phone numbers, message content or signatures.
 */
export const redactedPaths = [
  'req.headers["x-agentclara-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-agentclara-signature"]',
  'signature', 'secret', 'secrets', 'webhookSecret', 'adminToken', 'accessToken', 'clientSecret',
  '*.phone', '*.customer_phone', '*.content', '*.body', 'payload', 'rawBody',
  'data.customer_phone', 'data.content'
]

export function createLogger (options: { level: string, destination?: NodeJS.WritableStream } = { level: 'info' }): Logger {
  const config: LoggerOptions = {
    level: options.level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: { service: 'agentclara-crm-sync' }
  }
  return options.destination ? pino(config, options.destination as pino.DestinationStream) : pino(config)
}
