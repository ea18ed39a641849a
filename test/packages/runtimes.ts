// The Node binaries the consumer app runs under: this process's Node, and one of each other
// supported line found in the repository's .ci (scripts/test.sh fetches whichever of 22 and 24 the
// machine's Node is not into .ci/.node22 or .ci/.node24, from the npm registry, as scripts/lib.sh
// fetches Node 24 into .ci/.node), or named by
// CONSUMER_NODES (paths, ':'-separated). The package's `engines` says >=22.18: 22 and 24 are the
// lines a user installs it on today.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface Runtime {
  path: string
  version: string
  major: number
}

/** The lines the consumer test must see green. */
export const REQUIRED_MAJORS = [22, 24]

const root = fileURLToPath(new URL('../../', import.meta.url))
const FETCHED = ['.ci/.node22/node_modules/.bin/node', '.ci/.node24/node_modules/.bin/node', '.ci/.node/node_modules/.bin/node'].map((path) => `${root}${path}`)

function runtimeAt (path: string): Runtime | null {
  if (!existsSync(path)) return null
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim()
    return { path, version, major: Number(/^v(\d+)\./.exec(version)?.[1]) }
  } catch {
    return null // not runnable here (another platform's binary, a broken download)
  }
}

/** This process's Node first, then one per other major line found; never two of one line. */
export function consumerRuntimes (): Runtime[] {
  const candidates = [process.execPath, ...(process.env.CONSUMER_NODES?.split(':').filter(Boolean) ?? []), ...FETCHED]
  const found: Runtime[] = []
  for (const path of candidates) {
    const runtime = runtimeAt(path)
    if (runtime && !found.some((r) => r.major === runtime.major)) found.push(runtime)
  }
  return found
}
