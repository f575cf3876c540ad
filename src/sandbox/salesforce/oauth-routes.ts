import { createHmac, timingSafeEqual } from 'node:crypto'
import express, { type Request, type Router } from 'express'
import { ORG_ID, USER_ID, type TokenRegistry } from './token-registry.ts'

export interface OAuthOptions {
  clientId: string
  clientSecret: string
  tokens: TokenRegistry
}

function sameText (a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** client_id/client_secret from the form body or from HTTP Basic auth, as Salesforce accepts both. */
function clientCredentials (req: Request): { id: string, secret: string } {
  const body = (req.body ?? {}) as Record<string, unknown>
  const basic = /^Basic\s+(.+)$/i.exec(req.get('authorization') ?? '')
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon >= 0) return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) }
  }
  return { id: String(body.client_id ?? ''), secret: String(body.client_secret ?? '') }
}

/** `POST /services/oauth2/token` for the client-credentials flow (no refresh token, as in Salesforce). */
export function createOAuthRoutes (options: OAuthOptions): Router {
  const router = express.Router()
  router.post('/services/oauth2/token', express.urlencoded({ extended: false }), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>
    if (body.grant_type !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type', error_description: 'grant type not supported' })
      return
    }
    const { id, secret } = clientCredentials(req)
    if (!sameText(id, options.clientId) || !sameText(secret, options.clientSecret)) {
      res.status(400).json({ error: 'invalid_client', error_description: 'invalid client credentials' })
      return
    }
    const instanceUrl = `${req.protocol}://${req.get('host') ?? '127.0.0.1'}`
    const idUrl = `${instanceUrl}/id/${ORG_ID}/${USER_ID}`
    const issuedAt = String(Date.now())
    res.json({
      access_token: options.tokens.issue(),
      signature: createHmac('sha256', options.clientSecret).update(idUrl + issuedAt).digest('base64'),
      scope: 'api',
      instance_url: instanceUrl,
      id: idUrl,
      token_type: 'Bearer',
      issued_at: issuedAt
    })
  })
  return router
}
