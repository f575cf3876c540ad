import { seedEventBody } from './events/seed-events.ts'
import { sign } from './receiver/signature.ts'
import { WEBHOOK_PATH } from './receiver/webhook-route.ts'

/** What `npm start` prints: where to send webhooks, the secret, and a line to try it. */
export function startBanner (options: {
  baseUrl: string
  secret: string | undefined
  showSecret: boolean
  adminToken?: string
  extraLines?: string[]
}): string {
  const webhookUrl = `${options.baseUrl}${WEBHOOK_PATH}`
  const lines = ['', 'agentclara-crm-sync is running', `  Webhook URL:   ${webhookUrl}`]
  if (options.secret && options.showSecret) {
    const body = JSON.stringify(JSON.parse(seedEventBody('conversation.created')))
    lines.push(
      `  Secret:        ${options.secret}   (AGENTCLARA_WEBHOOK_SECRET; kept in .data/secrets.json)`,
      '',
      '  Try it (the sample conversation.created event from AgentClara\'s docs, signed):',
      `  curl -i -X POST ${webhookUrl} -H 'Content-Type: application/json' \\`,
      `    -H 'X-AgentClara-Signature: ${sign(body, options.secret)}' \\`,
      `    --data-binary '${body}'`,
      '',
      '  Or send all five sample events: npm run simulate -- --seed'
    )
  }
  lines.push(...(options.extraLines ?? []), '')
  return lines.join('\n')
}
