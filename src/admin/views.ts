import { Eta } from 'eta'
import { fileURLToPath } from 'node:url'
import type { Request, Response } from 'express'
import type { CrmName } from '../crm/connector.ts'
import { CSRF_FIELD } from './csrf.ts'
import { takeFlash } from './flash.ts'
import { fmt } from './format.ts'
import type { AdminKeys } from './keys.ts'

export type RenderPage = (req: Request, res: Response, view: string, data: Record<string, unknown>, status?: number) => void

/**
 * Renders `views/<name>.eta` inside the layout. Autoescape is on: everything that came
 * from a webhook is attacker-influenced text and is only ever printed with `<%= %>`.
 */
export function createRenderer (options: { keys: AdminKeys, crms: readonly CrmName[], secure: boolean, traceUrl?: (traceId: string) => string }): RenderPage {
  const eta = new Eta({
    views: fileURLToPath(new URL('./views', import.meta.url)),
    autoEscape: true,
    cache: true
  })
  return (req, res, view, data, status = 200) => {
    const html = eta.render(view, {
      ...data,
      fmt,
      crms: options.crms,
      traceLink: (traceId: string) => options.traceUrl?.(traceId),
      csrfField: CSRF_FIELD,
      csrf: res.locals.csrf ?? '',
      loggedIn: res.locals.session !== undefined,
      flash: req.method === 'GET' ? takeFlash(req, res, options.keys.flash, options.secure) : undefined,
      path: req.originalUrl
    })
    res.status(status).type('html').send(html)
  }
}
