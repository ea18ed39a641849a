// The tutorial's client API, call by call, on the real cluster: GET /memcache shows a card per
// step; POST /memcache runs one and shows the call and its result as the interpreter would.
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Session } from '../session/session.ts'
import { MemcacheClient } from '../memcache/client.ts'
import { CARDS } from '../playground/cards.ts'
import { knownOp, MAX_KEY_BYTES, PLAYGROUND_PREFIX, PlaygroundInputError, runCommand, type PlaygroundInput, type Transcript } from '../playground/commands.ts'
import { CSRF_FIELD, csrfToken } from '../session/csrf.ts'
import { guardedSession } from '../plugins/csrf.ts'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { playgroundFormSchema } from '../schemas/playground.ts'

interface PageState {
  status?: number
  transcript?: Transcript
  error?: { op: string | undefined, message: string }
  form?: PlaygroundInput
}

export default async function playgroundRoutes (app: FastifyInstance) {
  // Client B of the two-client CAS race: its own connections, like the tutorial's second terminal.
  const second = new MemcacheClient({
    servers: app.config.memcachedServers,
    timeoutMs: app.config.memcachedTimeoutMs,
    deadRetryMs: app.config.memcachedDeadRetryMs,
    hashing: app.config.memcachedHashing,
    protocol: app.config.memcachedProtocol,
    tls: app.config.memcachedTls
  })
  app.addHook('onClose', async function closeSecondClient () { second.close() })

  function render (reply: FastifyReply, session: Session, state: PageState = {}) {
    reply.code(state.status ?? 200).header('cache-control', 'no-store')
    return reply.view('playground.ejs', {
      title: 'Playground',
      cards: CARDS,
      prefix: PLAYGROUND_PREFIX,
      maxKeyBytes: MAX_KEY_BYTES,
      csrf: csrfToken(app.config.cookieSecrets, session.id),
      csrfField: CSRF_FIELD,
      transcript: state.transcript ?? null,
      error: state.error ?? null,
      form: state.form ?? {}
    })
  }

  app.get('/memcache', async function showPlayground (request, reply) {
    const { session } = await app.sessions.open(request, reply)
    return render(reply, session)
  })

  const formGuard = app.formGuard((request, reply, { session }, { reason, form }) => reason === 'csrf'
    ? render(reply, session, { status: 403, error: { op: form?.op, message: 'This form has expired or did not come from this site (CSRF check failed). Submit it again.' }, form })
    : render(reply, session, { status: 400, error: { op: undefined, message: 'Each field may be sent once, as text.' } }))

  app.withTypeProvider<TypeBoxTypeProvider>().post('/memcache', { schema: playgroundFormSchema, attachValidation: true, preHandler: formGuard }, async function runPlayground (request, reply) {
    const { session } = guardedSession(request)
    const form = request.body
    try {
      const transcript = await runCommand({ a: app.memcache, b: second }, form)
      return render(reply, session, { transcript, form })
    } catch (error) {
      if (!(error instanceof PlaygroundInputError)) throw error
      // An unknown op has no card to show its error next to: it goes at the top of the page.
      return render(reply, session, { status: 400, error: { op: knownOp(form.op), message: error.message }, form })
    }
  })
}
