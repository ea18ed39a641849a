// Throwaway TLS material for memcached's -Z nodes, made with openssl: a self-signed certificate
// per name, valid one day, in a temporary folder.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Certificate {
  /** PEM certificate (also its own CA: self-signed). */
  certFile: string
  keyFile: string
  /** The memcached flags that serve it: `-Z -o ssl_chain_cert=...,ssl_key=...`. */
  memcachedFlags: string[]
}

let dir: string | undefined

/** A self-signed certificate for `altName` (openssl's subjectAltName syntax: `IP:127.0.0.1`, `DNS:host`). */
export function makeCertificate (name: string, altName = 'IP:127.0.0.1'): Certificate {
  if (!dir) {
    const made = mkdtempSync(join(tmpdir(), 'memcached-tls-'))
    process.once('exit', () => rmSync(made, { recursive: true, force: true }))
    dir = made
  }
  const certFile = join(dir, `${name}.crt`)
  const keyFile = join(dir, `${name}.key`)
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1',
    '-subj', `/CN=${name}`, '-addext', `subjectAltName=${altName}`
  ], { stdio: 'ignore' })
  return { certFile, keyFile, memcachedFlags: ['-Z', '-o', `ssl_chain_cert=${certFile},ssl_key=${keyFile}`] }
}
