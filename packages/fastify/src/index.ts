// @memcache-session/fastify: server-side sessions in memcached for Fastify: CAS writes, one command
// per page view, lazy sessions, records found along their route chain, signed or Tornado cookies.
export * from './session.ts'
export * from './store.ts'
export * from './open.ts'
export * from './record.ts'
export * from './ids.ts'
export * from './limits.ts'
export * from './errors.ts'
export * from './cookie-format.ts'
export * from './cookie-value.ts'
export * from './tornado-signature.ts'
export * from './csrf.ts'
export {
  openChannel, readChannel, writeChannel, writeFailedChannel, conflictChannel, repairChannel, endChannel,
  type OpenMessage, type ReadMessage, type WriteMessage, type WriteFailedMessage, type ConflictMessage, type RepairMessage, type EndMessage
} from './diagnostics.ts'
export * from './plugin-options.ts'
export { sessionPlugin, TORNADO_RESIGN_AFTER_SECONDS, type Sessions } from './plugin.ts'
export { sessionPlugin as default } from './plugin.ts'
