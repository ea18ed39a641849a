// 简体中文：页面框架、各章名称和多处共用的词语。代码、命令、协议行和 memcached 的参数保持原样。
import { html } from '../html.ts'
import type { common as enCommon, start as enStart } from '../en/common.ts'

export const common: typeof enCommon = {
  switchTo: { language: 'en', label: 'English', title: 'Switch to English' },
  skip: '跳到正文',
  chaptersLabel: '章节',
  nextLabel: '下一章',
  chapterOf: (n, total) => `第 ${n} 章，共 ${total} 章。`,
  next: (n, title) => `下一章：${n}. ${title}`,
  end: (n, total) => `第 ${n} 章，共 ${total} 章：教程到此结束。`,
  backTo: (n, title) => `回到 ${n}. ${title}`,
  footer: 'Tornado + python-memcached 会话教程的 TypeScript 移植版。会话保存在一个带权重的 memcached 集群中。',
  chapters: {
    '/start': { nav: '启动', title: '启动 memcached', pageTitle: '启动 memcached' },
    '/memcache': { nav: '命令', title: '客户端 API', pageTitle: '客户端 API' },
    '/cas': { nav: 'CAS', title: '两个客户端：gets 与 cas', pageTitle: '两个客户端：gets 与 cas' },
    '/cluster': { nav: '集群', title: '多个带权重的节点', pageTitle: '多个带权重的节点' },
    '/': { nav: '会话', title: '在 memcached 中保存会话', pageTitle: '会话' }
  },
  node: (index) => `节点 ${index}`,
  weight: (weight) => `权重 ${weight}`,
  pools: { sessions: '会话集群', playground: '练习场的节点池' },
  units: { day: ['天', '天'], hour: ['小时', '小时'], minute: ['分钟', '分钟'], second: ['秒', '秒'] }
}

export const start: typeof enStart = {
  heading: '1. 启动 memcached',
  intro: 'memcached 把小块数据按键保存在内存里，每条保存到你指定的时间，或者直到内存不够用为止；任何连上来的客户端它都会应答。它不关心存的是什么：一个值就是一串字节加几个标志位。应用程序把它放在耗时的操作（一次数据库查询、一个渲染好的页面）前面做缓存，或者像本教程最后那样，把会话存在里面。',
  pathIntro: '本站按教程的顺序逐章展开，用的都是真实运行的 memcached 进程：',
  thisPage: '（本页）：安装，用教程里的参数启动，并检查它是否应答。',
  installTitle: '安装',
  installText: '用系统的软件包安装（教程里也从源码编译，那需要 libevent）：',
  flagsTitle: '教程里的启动命令',
  flagsCaption: '教程启动命令中的每个参数',
  flagCol: '参数',
  meaningCol: '作用',
  seenCol: '运行中的节点在哪里显示它',
  stopText: html`这样启动的守护进程，用它的 pid 文件来停止：<code>kill "$(cat /tmp/memcached.pid)"</code>。（教程在这里写的是 <code>pkill</code>，但 <code>pkill</code> 接受的是进程名，不是 pid。）<code>npm start</code> 启动的节点，在你按 Ctrl-C 停止它时会一起停止。`,
  nodesTitle: '本站正在运行的节点',
  nodesText: html`每个节点的命令行，都是根据它在 <code>stats settings</code> 里报告的自身设置（内存、地址、端口、连接上限，以及与 memcached 默认值不同的设置）重建的；pid 和 <code>-c</code> 连接数中已打开的数量来自 <code>stats</code>。<code>-d</code>、<code>-u</code> 和 <code>-P</code> 不会留下任何设置，所以不显示：<code>npm start</code> 把节点作为自己的子进程在前台运行（它自己掌握这些 pid，因此不需要 pid 文件），并且只在以 root 身份运行时才加上 <code>-u root</code>。`,
  didNotAnswer: '没有应答：',
  connections: '连接',
  openOf: (open, max) => `已打开 ${open} 个，上限 ${max}`,
  runningFor: '已运行',
  comma: '，',
  from: '来源',
  otherFlags: '其他参数：',
  listSep: '；',
  stop: '。',
  checkTitle: '检查',
  checkText: (ownPool) => html`教程先检查端口是否在监听（<code>netstat -tlnp | grep 11211</code>；现在用 <code>ss -tlnp | grep 11211</code>），然后用 telnet 和 memcached 对话。这里由服务器对${ownPool ? '练习场的一个节点' : '一个节点（练习场与会话集群共用节点）'}做同样的事：连接上去，用 memcached 的文本协议输入 <code>version</code> 和 <code>stats</code>，并显示完整的往来内容。`,
  nodeLabel: '节点',
  checkButton: '检查',
  noSuchNode: (index) => `这里没有节点 ${index}：请从列表中选择一个。`,
  telnetLabel: (address) => `与 ${address} 的 telnet 会话`,
  typedNote: html`粗体的是你要输入的行。文本协议的每个应答都由以 <code>\\r\\n</code> 结尾的行组成；<code>stats</code> 以 <code>END</code> 结束。`
}
