// What the compose check needs from the container engine and from docker compose, engine-agnostic:
// Docker and podman both answer the Docker Engine API on DOCKER_HOST (podman through
// `podman system service`), so containers, health and images are read from there, and the
// project's own docker-compose.yml is driven by whichever compose the machine has.
import { execFile } from 'node:child_process'
import { request } from 'node:http'

const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '')

/** GET `path` on the engine's API, parsed. */
export function engine<T> (path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, timeout: 30_000 }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { body += chunk })
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`engine API ${path}: ${res.statusCode} ${body.slice(0, 300)}`))
        else resolve(JSON.parse(body) as T)
      })
    })
    req.on('timeout', () => req.destroy(new Error(`engine API ${path}: no answer in 30 s`)))
    req.on('error', (error) => reject(new Error(`engine API on ${socketPath}: ${error.message}`)))
    req.end()
  })
}

export interface Container {
  id: string
  service: string
  running: boolean
  /** 'healthy', 'unhealthy', 'starting', or 'none' when the container has no health check. */
  health: string
  exitCode: number
  image: string
  env: string[]
  /** The user its process runs as (from the image or the compose file); '' for root. */
  user: string
}

interface Inspect {
  Id: string
  Image: string
  Config: { Labels: Record<string, string>, Env: string[] | null, User?: string }
  State: { Running: boolean, ExitCode: number, Health?: { Status: string }, Healthcheck?: { Status: string } }
}

/** Every container of compose project `project`, stopped ones too. */
export async function containers (project: string): Promise<Container[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }))
  const list = await engine<Array<{ Id: string }>>(`/containers/json?all=true&filters=${filters}`)
  return Promise.all(list.map(async ({ Id }) => {
    const c = await engine<Inspect>(`/containers/${Id}/json`)
    // Docker says State.Health; podman 4's compatible API said State.Healthcheck for a while.
    const health = c.State.Health?.Status ?? c.State.Healthcheck?.Status ?? 'none'
    return {
      id: c.Id,
      service: c.Config.Labels['com.docker.compose.service'] ?? '?',
      running: c.State.Running,
      health: health === '' ? 'none' : health,
      exitCode: c.State.ExitCode,
      image: c.Image,
      env: c.Config.Env ?? [],
      user: c.Config.User ?? ''
    }
  }))
}

/** Networks compose made for `project`. */
export async function networks (project: string): Promise<string[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }))
  return (await engine<Array<{ Name: string }>>(`/networks?filters=${filters}`)).map((n) => n.Name)
}

/** Size in bytes of image `id`. */
export async function imageSize (id: string): Promise<number> {
  return (await engine<{ Size: number }>(`/images/${encodeURIComponent(id)}/json`)).Size
}

/** The compose command: $COMPOSE (e.g. "docker compose"), else Debian's docker-compose. */
const [composeCommand, ...composeArgs] = (process.env.COMPOSE ?? 'docker-compose').split(' ') as [string, ...string[]]

/** Runs compose on the project's own docker-compose.yml; stops it after `timeoutMs`. */
export function compose (project: string, args: string[], timeoutMs: number): Promise<string> {
  const all = [...composeArgs, '-p', project, '-f', 'docker-compose.yml', ...args]
  return new Promise((resolve, reject) => {
    execFile(composeCommand, all, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout)
      const why = error.killed ? `gave no result within ${timeoutMs / 1000} s` : `failed (${error.code})`
      reject(new Error(`${composeCommand} ${all.join(' ')} ${why}:\n${(stderr || stdout).slice(-4000)}`))
    })
  })
}

/** Waits until `done` holds, polling every half second; past `timeoutMs`, fails with `explain()`. */
export async function waitFor (what: string, done: () => Promise<boolean>, timeoutMs: number, explain: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s. ${await explain()}`)
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}
