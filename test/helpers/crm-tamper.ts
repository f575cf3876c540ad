import assert from 'node:assert/strict'
import request from 'supertest'
import type { HubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import type { SalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'

/**
 * Someone else's writes to the CRMs "behind our back": plain REST calls to the sandboxes, the
 * way a CRM user or another integration would change, delete or create records.
 */
export function hubspotUser (sandbox: HubspotSandbox) {
  const auth = () => ({ authorization: `Bearer ${sandbox.accessToken}` })
  return {
    async update (type: string, id: string, properties: Record<string, string>) {
      assert.equal((await request(sandbox.app).patch(`/crm/v3/objects/${type}/${id}`).set(auth()).send({ properties })).status, 200)
    },
    async archive (type: string, id: string) {
      assert.equal((await request(sandbox.app).delete(`/crm/v3/objects/${type}/${id}`).set(auth())).status, 204)
    }
  }
}

const V = '/services/data/v62.0'

export async function salesforceUser (sandbox: SalesforceSandbox) {
  const token = await request(sandbox.app).post('/services/oauth2/token').type('form')
    .send({ grant_type: 'client_credentials', client_id: sandbox.clientId, client_secret: sandbox.clientSecret })
  const auth = { authorization: `Bearer ${String(token.body.access_token)}` }
  return {
    async update (type: string, id: string, fields: Record<string, unknown>) {
      assert.equal((await request(sandbox.app).patch(`${V}/sobjects/${type}/${id}`).set(auth).send(fields)).status, 204)
    },
    async remove (type: string, id: string) {
      assert.equal((await request(sandbox.app).delete(`${V}/sobjects/${type}/${id}`).set(auth)).status, 204)
    },
    async create (type: string, fields: Record<string, unknown>): Promise<string> {
      const res = await request(sandbox.app).post(`${V}/sobjects/${type}`).set(auth).send(fields)
      assert.equal(res.status, 201, JSON.stringify(res.body))
      return String(res.body.id)
    }
  }
}
