// @memcache-session/client/binary: memcached's binary protocol over memjs, for nodes or proxies
// that do not speak meta. memjs is an optional peer dependency: install it to use this entry.
//
//   import { binaryTransport } from '@memcache-session/client/binary'
//   new MemcacheClient({ servers, transport: binaryTransport })
//
// memcached deprecated the binary protocol (1.6) and it has no TLS here (memjs has none).
import type { TransportFactory } from '../transport.ts'
import { BinaryTransport } from './transport.ts'

export const binaryTransport: TransportFactory = {
  protocol: 'binary',
  supportsTls: false,
  open: ({ host, port }, { timeoutMs }) => new BinaryTransport({ host, port, timeoutMs })
}
