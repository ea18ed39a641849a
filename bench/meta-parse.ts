// `node bench/meta-parse.ts`: what the meta parser costs per 60 KB answer (a session near its
// 64 KiB limit), as the socket hands it over in chunks of 1 KiB, 16 KiB and 64 KiB. No memcached,
// no sockets: the parser alone, 5,000 answers per chunk size.
import { ResponseParser } from '../packages/client/src/meta/codec.ts'

const value = Buffer.alloc(60_000, 0x76)
const stream = Buffer.concat([Buffer.from(`VA ${value.length} c123 f48\r\n`), value, Buffer.from('\r\n')])
const ANSWERS = 5000
for (const size of [1024, 16 * 1024, 64 * 1024]) {
  const chunks: Buffer[] = []
  for (let at = 0; at < stream.length; at += size) chunks.push(stream.subarray(at, at + size))
  const parser = new ResponseParser()
  const started = process.hrtime.bigint()
  for (let i = 0; i < ANSWERS; i++) for (const chunk of chunks) parser.push(chunk)
  console.log(`chunks of ${String(size).padStart(5)} bytes: ${(Number(process.hrtime.bigint() - started) / 1000 / ANSWERS).toFixed(1)} µs per 60 KB answer`)
}
