// Chapter 1's start line, `memcached -d -m 10 -u root -l 0.0.0.0 -p 11211 -c 256 -P /tmp/memcached.pid`:
// what each of its flags means, and each running node's own command line rebuilt from what it
// reports in `stats settings`. memcached reports memory, address, port and connection limit there,
// but not -d, -u or -P (a daemon, its user and its pid file leave no setting behind): the page
// says so rather than guessing them.

export interface TutorialFlag {
  flag: string
  /** The tutorial's value. */
  example: string
  meaning: string
  /** Where a running node tells it, or why it does not. */
  seen: string
}

export const TUTORIAL_FLAGS: TutorialFlag[] = [
  { flag: '-d', example: '', meaning: 'Run as a daemon: memcached detaches from the terminal and keeps running in the background.', seen: 'Not reported. npm start runs its nodes in the foreground as its own children instead, so they stop when it stops.' },
  { flag: '-m', example: '10', meaning: 'Memory for items, in megabytes (the default is 64). When it is full, memcached evicts the least recently used items.', seen: 'maxbytes in stats settings (in bytes), limit_maxbytes in stats.' },
  { flag: '-u', example: 'root', meaning: 'The user to run as. memcached refuses to start as root unless -u names a user, because a cache reachable over the network should not hold root\'s rights; as root you name an unprivileged user (memcache), or root itself as the tutorial does.', seen: 'Not reported. npm start adds -u root only when it runs as root, and memcached keeps the user it was started by otherwise.' },
  { flag: '-l', example: '0.0.0.0', meaning: 'The address to listen on. 0.0.0.0 is every interface, reachable from other machines; 127.0.0.1 only from this one.', seen: 'inter in stats settings (NULL: every interface).' },
  { flag: '-p', example: '11211', meaning: 'The TCP port (11211 is memcached\'s own; above 1024 needs no privileges).', seen: 'tcpport in stats settings.' },
  { flag: '-c', example: '256', meaning: 'The most connections open at once (the default is 1024); past it new clients wait. Size it to the clients and their pools.', seen: 'maxconns in stats settings; curr_connections in stats is how many are open now.' },
  { flag: '-P', example: '/tmp/memcached.pid', meaning: 'A file to write the process id to, so a script can stop the daemon later: kill "$(cat /tmp/memcached.pid)".', seen: 'Not reported; the pid itself is in stats (pid).' }
]

export interface RebuiltFlag {
  flag: string
  value: string
  /** The `stats settings` line it comes from. */
  from: string
}

const MB = 1024 * 1024

/**
 * The flags a node was evidently started with, from its `stats settings`: -m, -l, -p, -c always,
 * and -U, -B, -I, -t, -Z where the node differs from memcached's defaults.
 */
export function rebuildFlags (settings: Record<string, string>): RebuiltFlag[] {
  const flags: RebuiltFlag[] = []
  const add = (flag: string, value: string, name: string) => flags.push({ flag, value, from: `${name} ${settings[name]}` })
  if (settings.maxbytes !== undefined) add('-m', String(Math.round(Number(settings.maxbytes) / MB)), 'maxbytes')
  if (settings.inter !== undefined) add('-l', settings.inter === 'NULL' ? '0.0.0.0' : settings.inter, 'inter')
  if (settings.tcpport !== undefined) add('-p', settings.tcpport, 'tcpport')
  if (settings.maxconns !== undefined) add('-c', settings.maxconns, 'maxconns')
  if (settings.udpport !== undefined && settings.udpport !== '0') add('-U', settings.udpport, 'udpport')
  if (settings.binding_protocol === 'ascii' || settings.binding_protocol === 'binary') add('-B', settings.binding_protocol, 'binding_protocol')
  if (settings.item_size_max !== undefined && Number(settings.item_size_max) !== MB) add('-I', `${Math.round(Number(settings.item_size_max) / 1024)}k`, 'item_size_max')
  if (settings.num_threads !== undefined && settings.num_threads !== '4') add('-t', settings.num_threads, 'num_threads')
  if (settings.ssl_enabled === 'yes') add('-Z', '', 'ssl_enabled')
  return flags
}

export function commandLine (flags: readonly RebuiltFlag[]): string {
  return ['memcached', ...flags.map((f) => (f.value ? `${f.flag} ${f.value}` : f.flag))].join(' ')
}

/** What the extra flags mean, for the flags a node shows beyond the tutorial's. */
export const OTHER_FLAGS: Record<string, string> = {
  '-U': 'a UDP port as well (off by default since 1.5.6: memcached\'s UDP was used for amplification attacks)',
  '-B': 'which protocols it accepts: ascii refuses the binary protocol',
  '-I': 'the largest item it stores',
  '-t': 'worker threads',
  '-Z': 'TLS on'
}
