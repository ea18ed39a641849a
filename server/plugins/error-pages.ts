// One place that turns errors into pages: client mistakes keep their 4xx, an unreachable
// memcached cluster is a 503, and anything else is a 500 without internals.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { NodeDownError, ServerError, TimeoutError } from '../memcache/errors.ts'
import { SessionError } from '../session/errors.ts'

function describe (error: FastifyError): { status: number, heading: string, message: string } {
  // A memcached error status (out of memory, say) is the cluster's problem too, never the visitor's.
  if (error instanceof NodeDownError || error instanceof TimeoutError || error instanceof ServerError) {
    return { status: 503, heading: 'Session storage is unavailable', message: 'No memcached node answered in time. The page will work again as soon as a node is back; please retry in a moment.' }
  }
  if (error instanceof SessionError) return { status: error.statusCode, heading: 'Request refused', message: error.message }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return { status, heading: 'Bad request', message: error.message }
  return { status: 500, heading: 'Something went wrong', message: 'The error was logged. Please try again.' }
}

async function errorPages (app: FastifyInstance) {
  app.setErrorHandler(function renderError (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const { status, heading, message } = describe(error)
    if (status >= 500) request.log.error({ err: error }, heading)
    else request.log.info({ status, reason: message }, 'request refused')
    reply.code(status).header('cache-control', 'no-store')
    if (status === 503) reply.header('retry-after', '5')
    return reply.view('error.ejs', { title: heading, heading, message, status })
  })

  app.setNotFoundHandler(function renderNotFound (request: FastifyRequest, reply: FastifyReply) {
    return reply.code(404).view('error.ejs', { title: 'Not found', heading: 'Not found', message: `Nothing lives at ${request.url.slice(0, 200)}.`, status: 404 })
  })
}

export default fp(errorPages, { name: 'error-pages', dependencies: ['views'] })
