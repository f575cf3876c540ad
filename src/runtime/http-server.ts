import type { Express } from 'express'
import type { Server } from 'node:http'

/** Listens with timeouts that keep slow or idle clients from holding sockets forever. */
export function listen (app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) reject(error)
      else resolve(server)
    })
    server.headersTimeout = 10_000 // whole header section
    server.requestTimeout = 30_000 // whole request, body included
    server.keepAliveTimeout = 5_000
  })
}

/** Stops accepting, lets in-flight requests finish, then closes idle keep-alive sockets. */
export function stopServer (server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()))
    server.closeIdleConnections()
  })
}
