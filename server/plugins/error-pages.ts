// One place that turns errors into pages: client mistakes keep their 4xx, an unreachable
// memcached cluster is a 503, and anything else is a 500 without internals. Errors Fastify or
// Node's HTTP parser raise before a route runs (a bad %-escape in the URL, malformed headers, a
// client too slow to send its request) get the same page and the same security headers:
// `answerFrameworkError` and `answerClientError` are passed to Fastify's options in app.ts.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { isNodeFailure, ServerError } from '@memcache-session/client'
import { SessionError } from '@memcache-session/fastify'
import { helmetHeaders, SECURITY_OPTIONS } from './security-headers.ts'
import { MESSAGES, type Messages } from '../i18n/messages.ts'
import { languageOf } from './i18n.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Complete HTTP responses for errors raised on a bare socket (no request object), by status. */
    clientErrorResponses: Map<number, Buffer>
  }
}

interface ErrorPage { status: number, heading: string, message: string }

function describe (error: FastifyError, words: Messages['errors']): ErrorPage {
  // A memcached error status (out of memory, say) is the cluster's problem too, never the visitor's.
  if (isNodeFailure(error) || error instanceof ServerError) return { status: 503, ...words.unavailable }
  if (error instanceof SessionError) return { status: error.statusCode, heading: words.refused, message: error.message }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) return { status, heading: words.badRequest, message: error.message }
  return { status: 500, ...words.failed }
}

/** What the socket-level errors say (in English: no request was read to tell a language); anything else the parser refuses is a 400. */
const CLIENT_ERRORS: ErrorPage[] = [
  { status: 400, heading: 'Bad request', message: 'The request could not be read as HTTP (malformed request line or headers).' },
  { status: 408, heading: 'Request timeout', message: 'The request took too long to arrive, so the connection was closed. Please send it again.' },
  { status: 431, heading: 'Request headers too large', message: 'The request headers are larger than this server accepts. Clearing this site\'s cookies may help.' }
]

const SECURITY_HEADERS = helmetHeaders(SECURITY_OPTIONS)

function clientErrorStatus (error: NodeJS.ErrnoException): number {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408
  if (error.code === 'HPE_HEADER_OVERFLOW') return 431
  return 400
}

/**
 * Fastify's `clientErrorHandler` (bound to the root instance): what Node's HTTP parser refuses and
 * requests past `requestTimeout` get the app's page, written on the socket, which is then closed.
 */
export function answerClientError (this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const status = clientErrorStatus(error)
  this.log.info({ status, code: error.code }, 'client error')
  const response = this.clientErrorResponses.get(status) ?? this.clientErrorResponses.get(400)
  // A response already under way on this socket cannot be replaced; then only the close remains.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent: boolean } | null })._httpMessage
  if (socket.writable && response && !inFlight?.headersSent) {
    socket.end(response, () => socket.destroy())
  } else {
    socket.destroy()
  }
}

/** Fastify's `frameworkErrors`: a bad URL reaches no route, hook or error handler, so it is answered here. */
export async function answerFrameworkError (error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  // No hook has run: the language is read from the headers here.
  const language = languageOf(request)
  const words = MESSAGES[language].errors
  const { status, heading } = describe(error, words)
  const message = error.code === 'FST_ERR_BAD_URL' ? words.badUrl : error.message
  request.log.info({ status, reason: error.code }, 'request refused')
  const html = await request.server.view(request.server.templates.page('error.ejs'), { ...request.server.languageLocals[language], title: heading, heading, message, status })
  reply.code(status).headers(SECURITY_HEADERS).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html)
}

async function errorPages (app: FastifyInstance) {
  app.decorate('clientErrorResponses', new Map<number, Buffer>())
  app.addHook('onReady', async function renderClientErrorPages () {
    for (const { status, heading, message } of CLIENT_ERRORS) {
      const html = Buffer.from(await app.view(app.templates.page('error.ejs'), { title: heading, heading, message, status }))
      const headers = { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-length': String(html.length), 'cache-control': 'no-store', connection: 'close' }
      const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
      app.clientErrorResponses.set(status, Buffer.concat([Buffer.from(head, 'latin1'), html]))
    }
  })

  app.setErrorHandler(function renderError (error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
    const { status, heading, message } = describe(error, MESSAGES[request.language].errors)
    if (status >= 500) request.log.error({ err: error }, heading)
    else request.log.info({ status, reason: message }, 'request refused')
    reply.code(status).header('cache-control', 'no-store')
    if (status === 503) reply.header('retry-after', '5')
    return reply.view(app.templates.page('error.ejs'), { title: heading, heading, message, status })
  })

  app.setNotFoundHandler(function renderNotFound (request: FastifyRequest, reply: FastifyReply) {
    const { heading, message } = MESSAGES[request.language].errors.notFound
    return reply.code(404).view(app.templates.page('error.ejs'), { title: heading, heading, message: message(request.url.slice(0, 200)), status: 404 })
  })
}

export default fp(errorPages, { name: 'error-pages', dependencies: ['views', 'i18n'] })
