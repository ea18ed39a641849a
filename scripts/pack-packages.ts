// Builds both packages and packs them as they would be published:
//   1. tsc -p packages/<name>/tsconfig.build.json: .js and .d.ts into packages/<name>/dist
//      (git-ignored; Node strips no types under node_modules, so a package ships JavaScript);
//   2. a staging copy of each package whose package.json points `exports` at dist (the
//      repository's own point at src, so the app runs from source with no build step);
//   3. npm pack of each staging copy.
// Usage: node scripts/pack-packages.ts [out-dir]   prints the tarballs' paths, one a line
//        node scripts/pack-packages.ts --build-only   step 1 only (npm run build)
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))
/** In dependency order: the session package is built against the client's .d.ts. */
export const PACKAGES = ['client', 'fastify'] as const

type Exports = Record<string, string>

/** `./src/x.ts` -> the built file's types and code, as a published package's exports name them. */
function publishedExports (exports: Exports): Record<string, { types: string, default: string }> {
  return Object.fromEntries(Object.entries(exports).map(([subpath, source]) => {
    const built = source.replace(/^\.\/src\//, './dist/').replace(/\.ts$/, '')
    return [subpath, { types: `${built}.d.ts`, default: `${built}.js` }]
  }))
}

export function buildPackages (): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  for (const name of PACKAGES) {
    const dir = join(root, 'packages', name)
    rmSync(join(dir, 'dist'), { recursive: true, force: true })
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.build.json')], { stdio: 'inherit' })
  }
}

/** npm, as the running npm names itself (npm test), or from PATH. */
function npm (args: string[], cwd: string): string {
  const cli = process.env.npm_execpath
  const [command, prefix] = cli && cli.endsWith('.js') ? [process.execPath, [cli]] : ['npm', []]
  return execFileSync(command, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
}

/** Builds, stages and packs both packages into `outDir`; returns the tarballs' paths, in PACKAGES order. */
export function packPackages (outDir: string): string[] {
  buildPackages()
  mkdirSync(outDir, { recursive: true })
  const staging = mkdtempSync(join(tmpdir(), 'memcache-session-pack-'))
  try {
    return PACKAGES.map((name) => {
      const source = join(root, 'packages', name)
      const stage = join(staging, name)
      mkdirSync(stage)
      cpSync(join(source, 'dist'), join(stage, 'dist'), { recursive: true })
      for (const file of ['README.md', 'LICENSE']) {
        if (existsSync(join(source, file))) cpSync(join(source, file), join(stage, file))
        else if (file === 'LICENSE' && existsSync(join(root, file))) cpSync(join(root, file), join(stage, file))
      }
      const manifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'))
      manifest.exports = publishedExports(manifest.exports as Exports)
      manifest.types = manifest.exports['.'].types
      manifest.files = ['dist', 'README.md', 'LICENSE']
      writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
      const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', outDir], stage)) as Array<{ filename: string }>
      return join(outDir, packed!.filename)
    })
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--build-only') {
    buildPackages()
  } else {
    const out = resolve(process.argv[2] ?? join(root, 'dist'))
    for (const tarball of packPackages(out)) console.log(tarball)
  }
}
