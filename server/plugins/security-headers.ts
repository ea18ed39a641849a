// Security headers from helmet, computed once. The headers are the same for every response, but
// @fastify/helmet builds a new helmet middleware (and re-parses the CSP) on every request, which
// the benchmark's profile showed as a visible share of a page view; here helmet runs once, at
// start, and each response gets the resulting headers.
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'
import type { IncomingMessage, ServerResponse } from 'node:http'

export const SECURITY_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      // The app is served over plain HTTP on localhost; upgrading would break its own assets.
      upgradeInsecureRequests: null
    }
  }
}

/** The headers helmet sets for `options`, captured from one run against a stand-in response. */
export function helmetHeaders (options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {}
  const response = {
    setHeader (name: string, value: string | number) { headers[name.toLowerCase()] = String(value) },
    removeHeader (name: string) { delete headers[name.toLowerCase()] }
  }
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => { if (error) throw error })
  return headers
}

async function securityHeaders (app: FastifyInstance) {
  const headers = helmetHeaders(SECURITY_OPTIONS)
  app.addHook('onRequest', function setSecurityHeaders (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) {
    reply.headers(headers)
    done()
  })
}

export default fp(securityHeaders, { name: 'security-headers' })
