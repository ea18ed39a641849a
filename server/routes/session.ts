// The tutorial's finale: GET / shows the session, POST / sets or deletes one key of it, POST /end
// ends it. A change answers 303 to GET / (reloading the page never re-posts); a refused change
// answers the page itself with a 4xx status, the message next to the form and the form still
// filled in. The form guard (plugins/csrf.ts) opens the session and checks shape and CSRF token.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { CSRF_FIELD, csrfToken, type OpenedSession, SessionError, SessionInputError } from '@memcache-session/fastify'
import { guardedSession, type RefusalPage } from '../plugins/csrf.ts'
import { sessionView, valueText } from '../session-view.ts'
import { casChange, signCasChange, verifiedCasChange } from '../session-cas-change.ts'
import { endFormSchema, NOTICES, sessionFormSchema, sessionPageSchema, sessionValueSchema, type NoticeCode, type SessionForm } from '../schemas/session-form.ts'
import { MESSAGES, type Messages } from '../i18n/messages.ts'
import { traceOpenedSession } from '../session-trace.ts'
import { sessionErrorText } from '../i18n/session-errors.ts'

// The page's words, notices and refusals in the request's language: server/i18n/en/session.ts and zh/session.ts.

/** What one unit of the write budget covers: a change of a key and value up to this size costs one. */
export const WRITE_UNIT_BYTES = 4096

interface PageState {
  status?: number
  /** Which page of the session's keys (1-based). */
  page?: number
  error?: string
  notice?: NoticeCode
  form?: SessionForm
  /** The `cas` parameter a change's redirect carried (server/session-cas-change.ts), unverified. */
  casParam?: string
}

export default async function sessionRoutes (app: FastifyInstance) {
  const sessionPage = app.templates.page('index.ejs')
  function renderPage (reply: FastifyReply, { session, replaced }: OpenedSession, state: PageState = {}) {
    const m = MESSAGES[reply.request.language].session
    const copies = app.sessions.copies(session.id).map((index) => {
      const node = app.memcache.nodes[index]!
      return { index, label: m.copyLabel(node.label, node.address.weight), lagging: session.laggingCopies.includes(index) }
    })
    reply.code(state.status ?? 200).header('cache-control', 'no-store')
    const view = sessionView(session.entries(), state.page ?? 1)
    const casNow = { version: session.version, tokens: session.casTokens }
    return reply.view(sessionPage, {
      title: 'Session',
      entries: view.rows,
      paging: view.paging,
      stored: view.stored,
      copies,
      version: session.version,
      casTokens: casNow.tokens,
      // Before and after the change that led here, when provably it and still current; else null.
      casChange: verifiedCasChange(app.config.cookieSecrets, session.id, state.casParam, casNow),
      csrf: csrfToken(app.config.cookieSecrets, session.id),
      csrfField: CSRF_FIELD,
      limits: app.sessions.limits,
      ttlSeconds: app.config.sessionTtlSeconds,
      // A lost session is a warning; a change that was written, a success; anything else, plain information.
      notices: [
        ...(replaced ? [{ kind: 'warning', text: m.replaced[replaced] }] : []),
        ...(state.notice ? [{ kind: state.notice === 'saved' || state.notice === 'deleted' ? 'success' : 'notice', text: m.notices[state.notice] }] : [])
      ],
      error: state.error ?? null,
      form: { action: state.form?.action === 'del' ? 'del' : 'set', key: state.form?.key ?? '', val: state.form?.val ?? '' }
    })
  }

  /**
   * The client's write budget (every change, one per started WRITE_UNIT_BYTES of key and value), and
   * for a change that would store a new session, its budget of new sessions. Null when both allow it.
   */
  function chargeBudgets (request: FastifyRequest, { session }: OpenedSession, form: SessionForm): { message: string, retryAfterSeconds: number } | null {
    const { sessionWritesPerMinute, sessionNewPerMinute } = app.config
    const m = MESSAGES[request.language].session
    const bytes = Buffer.byteLength(form.key ?? '') + Buffer.byteLength(form.val ?? '')
    const write = app.sessionBudgets.chargeWrite(request, Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES)))
    if (!write.allowed) {
      return { message: m.tooManyChanges(sessionWritesPerMinute, WRITE_UNIT_BYTES / 1024, write.retryAfterSeconds), retryAfterSeconds: write.retryAfterSeconds }
    }
    if (session.stored || form.action !== 'set') return null
    const fresh = app.sessionBudgets.chargeNewSession(request, session.id)
    if (!fresh.allowed) {
      return { message: m.tooManySessions(sessionNewPerMinute, fresh.retryAfterSeconds), retryAfterSeconds: fresh.retryAfterSeconds }
    }
    return null
  }

  const refuse: RefusalPage = (request, reply, opened, { status, reason, form }) =>
    renderPage(reply, opened, { status, error: MESSAGES[request.language].session.refusals[reason], form })
  const formGuard = app.formGuard(refuse)
  const typed = app.withTypeProvider<TypeBoxTypeProvider>()

  typed.get('/', { schema: sessionPageSchema }, async function showSession (request, reply) {
    const opened = await app.sessions.open(request, reply)
    traceOpenedSession(opened.session)
    const code = request.query.notice
    const notice = code && Object.hasOwn(NOTICES, code) ? code as NoticeCode : undefined
    return renderPage(reply, opened, { notice, page: Number(request.query.page ?? 1), casParam: request.query.cas })
  })

  // One value whole, as plain text (the page shows a preview of long ones): bounded by the value
  // limit, and nothing to escape. nosniff (security-headers.ts) keeps a browser from reading it as HTML.
  typed.get('/value', { schema: sessionValueSchema }, async function showValue (request, reply) {
    const { session } = await app.sessions.open(request, reply)
    const value = session.get(request.query.key)
    reply.header('cache-control', 'no-store').type('text/plain; charset=utf-8')
    if (value === undefined) return reply.code(404).send(MESSAGES[request.language].session.noSuchValue)
    return valueText(value)
  })

  typed.post('/', { schema: sessionFormSchema, attachValidation: true, preHandler: formGuard }, async function changeSession (request, reply) {
    const opened = guardedSession(request)
    const form = request.body
    const overBudget = chargeBudgets(request, opened, form)
    if (overBudget) {
      reply.header('retry-after', String(overBudget.retryAfterSeconds))
      request.log.info({ session: app.sessions.logId(opened.session.id) }, 'session change over budget')
      return renderPage(reply, opened, { status: 429, error: overBudget.message, form })
    }
    try {
      const { session } = opened
      // Before: as this request read the record. When another write raced it, the store re-applied
      // the change on the newer record, and the version shows the jump (1 → 3): still the truth.
      const before = { version: session.version, tokens: session.casTokens }
      const notice = await applyChange(opened, form, MESSAGES[request.language].session)
      const change = notice === 'saved' || notice === 'deleted' ? casChange(before, { version: session.version, tokens: session.casTokens }) : null
      const cas = change ? `&cas=${encodeURIComponent(signCasChange(app.config.cookieSecrets, session.id, change))}` : ''
      return reply.redirect(`/?notice=${notice}${cas}`, 303)
    } catch (error) {
      if (!(error instanceof SessionError)) throw error
      request.log.info({ session: app.sessions.logId(opened.session.id), reason: error.message }, 'session change refused')
      return renderPage(reply, opened, { status: error.statusCode, error: sessionErrorText(error, MESSAGES[request.language].session.packageErrors), form })
    }
  })

  // Logout: the record is deleted on the server and the cookie cleared (OWASP session management).
  typed.post('/end', { schema: endFormSchema, attachValidation: true, preHandler: formGuard }, async function endSession (request, reply) {
    const { session } = guardedSession(request)
    await session.end()
    request.log.info({ session: app.sessions.logId(session.id) }, 'session ended')
    return reply.redirect('/?notice=ended', 303)
  })
}

async function applyChange ({ session }: OpenedSession, { action, key, val }: SessionForm, m: Messages['session']): Promise<NoticeCode> {
  if (action !== 'set' && action !== 'del') {
    throw new SessionInputError(action ? m.unknownAction(action.slice(0, 40)) : m.chooseAction)
  }
  if (key === undefined || key === '') throw new SessionInputError(m.emptyKey)
  if (action === 'del') return (await session.delete(key)) ? 'deleted' : 'absent'
  if (val === undefined) throw new SessionInputError(m.valueRequired)
  if (session.get(key) === val) return 'unchanged'
  await session.set(key, val)
  return 'saved'
}
