// Builds the app from a config object; never listens (server/main.ts does). Tests build it too.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import formbody from '@fastify/formbody'
import type { Config } from './config.ts'
import { parseForm } from './forms.ts'
import memcachePlugin from './plugins/memcache.ts'
import sessionPlugin from './plugins/session.ts'
import csrfPlugin from './plugins/csrf.ts'
import viewsPlugin from './plugins/views.ts'
import errorPages, { answerClientError, answerFrameworkError } from './plugins/error-pages.ts'
import { serverTimeouts } from './timeouts.ts'
import gracefulClose from './plugins/graceful-close.ts'
import securityHeaders from './plugins/security-headers.ts'
import sessionRoutes from './routes/session.ts'
import healthRoutes from './routes/health.ts'
import clusterRoutes from './routes/cluster.ts'
import playgroundRoutes from './routes/playground.ts'
import startRoutes from './routes/start.ts'
import languageRoutes from './routes/language.ts'
import i18nPlugin from './plugins/i18n.ts'
import chaptersPlugin from './chapters.ts'
import playgroundPool from './playground/pool.ts'
import metricsPlugin from './plugins/metrics.ts'
import tracingPlugin from './plugins/tracing.ts'
import sessionTrace from './session-trace.ts'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
  }
}

/**
 * Largest request body: the playground's 64 KiB value percent-encoded can triple, plus the other
 * fields (a session value is at most 16 KiB).
 */
export const BODY_LIMIT_BYTES = 256 * 1024

/** Whether `logger` writes info, the level of Fastify's per-request entries. */
function logsRequests (logger: FastifyServerOptions['logger']): boolean {
  if (!logger) return false
  const level = typeof logger === 'object' && 'level' in logger ? logger.level : 'info'
  return level === undefined || ['trace', 'debug', 'info'].includes(level)
}

export async function buildApp (config: Config, logger: FastifyServerOptions['logger'] = false): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    // Fastify logs each request at info; at a quieter level it would still build both entries
    // (and time the request) on every request, to throw them away.
    logController: new LogController({ disableRequestLogging: !logsRequests(logger) }),
    trustProxy: config.trustProxy,
    bodyLimit: BODY_LIMIT_BYTES,
    ...serverTimeouts(config.requestTimeoutMs),
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError
  })
  app.decorate('config', config)

  // Traces first, when on: its span is the context of everything else a request does.
  if (config.tracing) await app.register(tracingPlugin)
  // Third-party plugins, and the security headers every response carries.
  await app.register(securityHeaders)
  // Forms are the only bodies this app reads: JSON and text/plain answer 415 like any other type.
  app.removeAllContentTypeParsers()
  await app.register(formbody, { parser: parseForm })
  await app.register(viewsPlugin)
  await app.register(chaptersPlugin)

  // The app's own decorators.
  await app.register(memcachePlugin)
  await app.register(playgroundPool)
  // Before the routes, so that its onResponse hook times every one of them.
  await app.register(metricsPlugin)
  // @memcache-session/fastify with this app's config (it registers @fastify/cookie), and the budgets.
  await app.register(sessionPlugin)
  // The page's language: after the cookie parser (the session plugin's), before the form guard's
  // cross-origin refusal, so that its page is in the visitor's language too.
  await app.register(i18nPlugin)
  await app.register(csrfPlugin)
  // The session page's trace of its own view (which commands it sent, how the session opened).
  await app.register(sessionTrace)
  await app.register(errorPages)
  await app.register(gracefulClose)

  // Routes.
  await app.register(healthRoutes)
  await app.register(startRoutes)
  await app.register(languageRoutes)
  await app.register(sessionRoutes)
  await app.register(clusterRoutes)
  if (config.playground) await app.register(playgroundRoutes)
  return app
}
