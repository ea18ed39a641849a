// English: the layout, the chapters' names and the words several pages share.
import { html } from '../html.ts'
import type { DurationWords } from '../../format.ts'

export const common = {
  /** The switch in the header, to the other language (written in that language). */
  switchTo: { language: 'zh', label: '中文', title: '切换到中文' },
  skip: 'Skip to content',
  chaptersLabel: 'Chapters',
  nextLabel: 'Next chapter',
  chapterOf: (n: number, total: number) => `Chapter ${n} of ${total}.`,
  next: (n: number, title: string) => `Next: ${n}. ${title}`,
  end: (n: number, total: number) => `Chapter ${n} of ${total}: the end of the tutorial.`,
  backTo: (n: number, title: string) => `Back to ${n}. ${title}`,
  footer: 'A TypeScript port of the Tornado + python-memcached session tutorial. Sessions live in a weighted memcached cluster.',
  chapters: {
    '/start': { nav: 'Start', title: 'Start memcached', pageTitle: 'Start memcached' },
    '/memcache': { nav: 'Commands', title: 'The client API', pageTitle: 'The client API' },
    '/cas': { nav: 'CAS', title: 'Two clients, gets and cas', pageTitle: 'Two clients, gets and cas' },
    '/cluster': { nav: 'Cluster', title: 'Several weighted nodes', pageTitle: 'Several weighted nodes' },
    '/': { nav: 'Session', title: 'Sessions in memcached', pageTitle: 'Session' }
  },
  node: (index: number) => `node ${index}`,
  weight: (weight: number) => `weight ${weight}`,
  pools: { sessions: 'The session cluster', playground: 'The playground\'s pool' } as Record<string, string>,
  /** Durations as formatDuration writes them (server/format.ts): singular and plural of each unit. */
  units: { day: ['day', 'days'], hour: ['hour', 'hours'], minute: ['minute', 'minutes'], second: ['second', 'seconds'] } as DurationWords
}

export const start = {
  heading: '1. Start memcached',
  intro: 'memcached keeps small values in memory under a key, each for as long as you say or until memory runs short, and answers any client that connects. It knows nothing of what it stores: a value is bytes and a few flags. Applications put it in front of slow work (a database query, a rendered page) or, as this tutorial does at its end, keep sessions in it.',
  pathIntro: 'This site follows the tutorial chapter by chapter, on real memcached processes:',
  thisPage: ' (this page): install it, start it with the tutorial\'s flags, check that it answers.',
  installTitle: 'Install it',
  installText: 'From your system\'s packages (the tutorial also builds it from source, which needs libevent):',
  flagsTitle: 'The tutorial\'s start line',
  flagsCaption: 'Each flag of the tutorial\'s start line',
  flagCol: 'Flag',
  meaningCol: 'What it does',
  seenCol: 'Where a running node shows it',
  stopText: html`Stop a daemon started this way by its pid file: <code>kill "$(cat /tmp/memcached.pid)"</code>. (The tutorial writes <code>pkill</code> there, but <code>pkill</code> takes a process name, not a pid.) <code>npm start</code> stops its own nodes when you stop it with Ctrl-C.`,
  nodesTitle: 'This site\'s nodes, as they run',
  nodesText: html`Each node's command line, rebuilt from what it reports about itself in <code>stats settings</code> (memory, address, port, connection limit, and any setting that differs from memcached's defaults), with its pid and how many of its <code>-c</code> connections are open, from <code>stats</code>. <code>-d</code>, <code>-u</code> and <code>-P</code> leave no setting behind, so they are not shown: <code>npm start</code> runs its nodes in the foreground as its own children (it holds their pids, so it needs no pid file) and adds <code>-u root</code> only when it runs as root.`,
  didNotAnswer: 'Did not answer: ',
  connections: 'connections',
  openOf: (open: string, max: string) => `${open} open of ${max}`,
  runningFor: 'running for',
  comma: ', ',
  from: 'from',
  otherFlags: 'Other flags: ',
  listSep: '; ',
  stop: '.',
  checkTitle: 'Check it',
  checkText: (ownPool: boolean) => html`The tutorial first checks that the port listens (<code>netstat -tlnp | grep 11211</code>; today <code>ss -tlnp | grep 11211</code>), then talks to memcached by telnet. Here the server does the same against ${ownPool ? 'one of the playground\'s nodes' : 'one node (the playground shares the session cluster)'}: it connects, types <code>version</code> and <code>stats</code> in memcached's text protocol, and shows the whole exchange.`,
  nodeLabel: 'Node',
  checkButton: 'Check it',
  noSuchNode: (index: number) => `There is no node ${index} here: choose one from the list.`,
  telnetLabel: (address: string) => `telnet session with ${address}`,
  typedNote: html`The lines you would type are in bold. Every answer of the text protocol is lines ending in <code>\\r\\n</code>; <code>stats</code> ends with <code>END</code>.`
}
