// Picks the transport for a node: the binary protocol over memjs, or the meta protocol over TCP
// or TLS. The one place that knows both implementations.
import type { ConnectionOptions } from 'node:tls'
import { BinaryTransport } from './binary/transport.ts'
import { InvalidArgumentError } from './errors.ts'
import { MetaTransport } from './meta/transport.ts'
import type { NodeAddress } from './node.ts'
import type { MemcachedProtocol, NodeTransport } from './transport.ts'

export interface TransportOptions {
  protocol: MemcachedProtocol
  timeoutMs: number
  /** TLS options (meta only), or null for plain TCP. */
  tls: ConnectionOptions | null
}

export function openTransport ({ host, port }: NodeAddress, { protocol, timeoutMs, tls }: TransportOptions): NodeTransport {
  if (protocol === 'meta') return new MetaTransport({ host, port, timeoutMs, tls })
  if (tls) throw new InvalidArgumentError('TLS needs the meta protocol: memjs, the binary transport, has no TLS')
  return new BinaryTransport({ host, port, timeoutMs })
}
