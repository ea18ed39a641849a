// @memcache-session/client: python-memcached's API over weighted memcached nodes, on the meta
// protocol (node:net / node:tls) or the binary protocol (memjs).
export * from './client.ts'
export * from './options.ts'
export * from './errors.ts'
export * from './keys.ts'
export * from './values.ts'
export * from './node.ts'
export * from './transport.ts'
export * from './routing.ts'
export * from './ketama.ts'
export * from './tls.ts'
