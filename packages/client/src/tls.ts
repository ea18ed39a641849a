// TLS to memcached: the settings an operator gives (PEM files) read once at start into the options
// node:tls takes. The server name is the node's host (tls.connect's default for hostnames; for
// an IP address the certificate must name that IP). With no CA file, the system's CAs are used.
import { readFileSync } from 'node:fs'
import type { ConnectionOptions } from 'node:tls'

export interface TlsFiles {
  /** PEM CA bundle; unset: the system's trusted CAs. */
  caFile?: string
  /** PEM client certificate and its key, for nodes that ask for one (memcached's ssl_ca_cert + ssl_verify_mode). */
  certFile?: string
  keyFile?: string
}

/** Reads the files; every problem is returned, named by the variable that set it. */
export function readTlsFiles (files: TlsFiles, names: Record<keyof TlsFiles, string>): { options: ConnectionOptions, problems: string[] } {
  const problems: string[] = []
  const options: ConnectionOptions = {}
  const read = (field: keyof TlsFiles): Buffer | undefined => {
    const path = files[field]
    if (!path) return undefined
    try {
      const pem = readFileSync(path)
      if (!pem.includes('-----BEGIN ')) problems.push(`${names[field]}: ${path} is not a PEM file`)
      return pem
    } catch (error) {
      problems.push(`${names[field]}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
      return undefined
    }
  }
  const ca = read('caFile')
  const cert = read('certFile')
  const key = read('keyFile')
  if (Boolean(files.certFile) !== Boolean(files.keyFile)) {
    problems.push(`${names.certFile} and ${names.keyFile} go together: a client certificate needs its key`)
  }
  if (ca) options.ca = ca
  if (cert) options.cert = cert
  if (key) options.key = key
  return { options, problems }
}
