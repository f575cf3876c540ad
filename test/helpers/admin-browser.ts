import type { Express } from 'express'
import request from 'supertest'

/** The value of a cookie the response sets, if it sets it. */
export function setCookieValue (res: request.Response, name: string): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  const cookie = cookies.find((value) => value.startsWith(`${name}=`))
  return cookie?.slice(name.length + 1).split(';')[0]
}

/**
 * One browser using the dashboard through its forms, from `ip` (sent as X-Forwarded-For,
 * which the app trusts from loopback, as from a local reverse proxy).
 */
export function adminBrowser (app: Express, ip = '192.0.2.10') {
  const agent = request.agent(app)
  let csrf: string | undefined
  // Form tokens are bound to the login nonce or to the session: after a redirect (logged
  // in, logged out) the next page's token is needed.
  const remember = (res: request.Response) => {
    csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? (res.status >= 300 && res.status < 400 ? undefined : csrf)
    return res
  }
  return {
    async get (path: string) {
      return remember(await agent.get(path).set('X-Forwarded-For', ip))
    },
    async post (path: string, form: Record<string, string> = {}) {
      return remember(await agent.post(path).set('X-Forwarded-For', ip).type('form').send({ _csrf: csrf ?? '', ...form }))
    },
    /** Posts the login form (fetching it first if no form token is at hand). */
    async logIn (token: string) {
      if (!csrf) await this.get('/admin/login')
      return await this.post('/admin/login', { token })
    },
    async logOut () {
      if (!csrf) await this.get('/admin')
      return await this.post('/admin/logout')
    }
  }
}
