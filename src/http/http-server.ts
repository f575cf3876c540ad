import type { Express } from 'express'
import type { Server } from 'node:http'
import net, { type Socket } from 'node:net'

export interface HttpServer {
  server: Server
  /** Graceful stop: finish in-flight requests, end keep-alive sockets cleanly, then close. */
  stop: (graceMs?: number) => Promise<void>
}

/** Listens with timeouts that keep slow or idle clients from holding sockets forever. */
export function listen (app: Express, port: number, host: string): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => {
      if (error) reject(error)
      else resolve({ server, stop: (graceMs) => stopGracefully(server, sockets, graceMs) })
    })
    server.headersTimeout = 10_000 // whole header section
    server.requestTimeout = 30_000 // whole request, body included
    server.keepAliveTimeout = 5_000
    const sockets = new Set<Socket>()
    server.on('connection', (socket) => {
      sockets.add(socket)
      socket.once('close', () => sockets.delete(socket))
    })
  })
}

/**
 * `server.close()` also ends idle keep-alive sockets at once, which resets a client that is
 * just sending its next request on one. Instead: answer everything from now on with
 * `Connection: close`, stop accepting new connections but leave open ones alone (net's
 * close), let each socket end after its current response (idle ones by the keep-alive
 * timeout), and force-close only what is left after `graceMs`.
 */
async function stopGracefully (server: Server, sockets: Set<Socket>, graceMs = 6_000): Promise<void> {
  server.on('request', (_req, res) => { res.setHeader('Connection', 'close') })
  const closed = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()))
  const deadline = Date.now() + graceMs
  while (sockets.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
  server.closeAllConnections()
  await closed
}
