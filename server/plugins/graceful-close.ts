// While the app closes, keep closing keep-alive connections as they become idle. Fastify 5
// closes only the ones that are idle when close() starts; one that becomes idle later (its
// request was in flight) keeps close() waiting for the whole keep-alive timeout (72 s):
// https://github.com/fastify/fastify/issues/7044. Polling during shutdown costs nothing per
// request, unlike a hook on every response.
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

const SWEEP_MS = 50

async function gracefulClose (app: FastifyInstance) {
  app.addHook('preClose', function sweepIdleConnections (done) {
    if (!app.server.listening) return done() // built for inject(): no connections
    const timer = setInterval(() => app.server.closeIdleConnections(), SWEEP_MS)
    app.server.once('close', () => clearInterval(timer))
    timer.unref()
    done()
  })
}

export default fp(gracefulClose, { name: 'graceful-close' })
