import assert from 'node:assert/strict'
import type request from 'supertest'

/** The CSRF token a dashboard form carries. */
export function csrfOf (html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSRF field in the page')
}

/** Logs a supertest agent into the dashboard through the real login form. */
export async function logIn (agent: ReturnType<typeof request.agent>, token: string): Promise<void> {
  const form = await agent.get('/admin/login')
  const response = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token })
  assert.equal(response.status, 303, 'login redirects to the dashboard')
}
