// While the app closes, answer in-flight requests with `Connection: close`. Fastify 5 closes only
// the keep-alive connections that are idle when close() starts; one that becomes idle later keeps
// close() waiting for the whole keep-alive timeout (72 s): https://github.com/fastify/fastify/issues/7044
import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'

async function gracefulClose (app: FastifyInstance) {
  let closing = false
  app.addHook('preClose', async function markClosing () { closing = true })
  app.addHook('onSend', async function closeConnectionWhenClosing (_request, reply) {
    if (closing) reply.header('connection', 'close')
  })
}

export default fp(gracefulClose, { name: 'graceful-close' })
