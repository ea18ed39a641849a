// 第 2、3 章，练习场：每张卡片、控制台和两个客户端。命令、参数名和 Python 的返回值保持原样。
import { html } from '../html.ts'
import { TTL_DEMO_SECONDS } from '../../playground/commands.ts'
import type { cards as enCards, cas as enCas, fields as enFields, playground as enPlayground } from '../en/playground.ts'

export const cards: typeof enCards = {
  set: { title: 'set', lesson: '把一个值存到一个键下，替换原有的值。可选的 TTL 让它过期。', submit: '运行 set' },
  get: { title: 'get', lesson: '读取一个键：返回它的值；键不存在或已过期时返回 None。', submit: '运行 get' },
  ttl_demo: { title: '过期', lesson: `用 ${TTL_DEMO_SECONDS} 秒的 TTL 设置一个键，并立即读回。卡片随后显示剩余时间；时间到了以后再 get 一次：它已经没了。`, submit: `以 ${TTL_DEMO_SECONDS} 秒 TTL 设置` },
  add: { title: 'add', lesson: '只在键还不存在时才保存；否则返回 False。', submit: '运行 add' },
  replace: { title: 'replace', lesson: '只在键已经存在时才保存；否则返回 False。', submit: '运行 replace' },
  set_multi: { title: 'set_multi', lesson: '一次保存多个键，每个节点只需一次往返。返回失败的键：全部保存成功时为 []。', submit: '运行 set_multi' },
  get_multi: { title: 'get_multi', lesson: '一次读取多个键；不存在的键不会出现在返回的字典里。', submit: '运行 get_multi' },
  delete: { title: 'delete', lesson: '删除一个键。', submit: '运行 delete' },
  delete_multi: { title: 'delete_multi', lesson: '一次删除多个键。', submit: '运行 delete_multi' },
  append: { title: 'append', lesson: '在已保存的值后面追加文本；键不存在时返回 False。', submit: '运行 append' },
  prepend: { title: 'prepend', lesson: '在已保存的值前面插入文本；键不存在时返回 False。', submit: '运行 prepend' },
  incr: { title: 'incr', lesson: '给一个键里保存的数字加上一个数；键不存在时返回 None。', submit: '运行 incr' },
  decr: { title: 'decr', lesson: '从一个数字中减去一个数；memcached 永远不会减到 0 以下。', submit: '运行 decr' },
  cas_race: { title: '两个客户端，一次 CAS', lesson: '上面那一课的总结，一键完成：conn1 和 conn2 都读取这个数字，都把它加一后写回。conn1 的 cas 保存成功；conn2 的被拒绝，因为键已经变了，于是 conn2 重新读取并重试：没有丢失任何一次递增。', submit: '运行竞争' }
}

const key = { label: '键', placeholder: 'k' }
const val = { label: '值', placeholder: "'v' 或 10" }
const keys = (placeholder: string) => ({ label: '键（用空格或逗号分隔）', placeholder })
const by = { label: '加减量（默认 1）' }

export const fields: typeof enFields = {
  'set.key': key,
  'set.val': val,
  'set.ttl': { label: 'TTL（秒，可选）', placeholder: '0 = 不过期' },
  'get.key': key,
  'ttl_demo.key': { ...key, placeholder: 'temp' },
  'ttl_demo.val': val,
  'add.key': key,
  'add.val': val,
  'replace.key': key,
  'replace.val': val,
  'set_multi.pairs': { label: 'key=value，每行一对', placeholder: 'k1=v1\nk2=10' },
  'get_multi.keys': keys('k1 k2 k3'),
  'delete.key': key,
  'delete_multi.keys': keys('k1 k2'),
  'append.key': key,
  'append.val': { label: '文本' },
  'prepend.key': key,
  'prepend.val': { label: '文本' },
  'incr.key': key,
  'incr.delta': by,
  'decr.key': key,
  'decr.delta': by,
  'cas_race.key': { ...key, placeholder: 'n' }
}

export const playground: typeof enPlayground = {
  heading: '2. 客户端 API',
  intro: html`教程讲到的每一个调用，按教程的顺序，在 memcached 上真实运行，并按教程里 Python 会话的样子给出结果。值按 Python 字面量来读：<code>10</code> 是整数，<code>'10'</code> 或其他任何文本是字符串。`,
  limits: (prefix, maxKeyBytes, maxValueKiB, maxMultiKeys, ttl) => html`你的键只属于你：你输入的键 <code>k</code> 会以 <code>${prefix}k</code> 保存，这个命名空间由你的会话派生（绝不是你的会话 id），所以其他访客看不到也改不了它们，这里的任何操作也碰不到会话。限制：键最多 ${maxKeyBytes} 字节，值最多 ${maxValueKiB} KiB（append 和 prepend 之后也一样），每次批量调用最多 ${maxMultiKeys} 个键，每个键最迟在 ${ttl} 内过期（在这里 TTL 为 0 就表示这么长）。`,
  tocLabel: '教程步骤',
  console: '你的控制台',
  transcriptLabel: '控制台记录',
  nothingRun: (remembered, historyLength) => `还没有运行任何命令${remembered > 0 ? `（你的 ${remembered} 个键仍然保存着）` : ''}。在下面输入一个调用，或者运行一张卡片：每次运行都会按从旧到新的顺序加到这里（保留最近 ${historyLength} 次），所以 set → get → 过期 → get 这样的一串操作读起来就是一次完整的会话。`,
  refused: '已拒绝：',
  refused429: '已拒绝（HTTP 429），未运行：',
  lineLabel: 'Python 代码行',
  run: '运行',
  lineHelp: html`每行一个调用，按教程的写法：<code>conn.set('k', 'v', 1)</code>、<code>conn.get_multi(['a', 'b'])</code>、先 <code>conn.gets('n')</code> 再 <code>conn.cas('n', 100)</code>。命令和限制与卡片相同；输入时会提示你运行过的调用。`,
  clear: '清空控制台',
  deleteKeys: (count) => `删除我的键（${count}）`,
  clearHelp: (count, max) => html`“清空”只清空控制台，保留你的键。“删除我的键”会对你的命令用到的 ${count} 个键运行 <code>delete_multi</code>（最多记住最近的 ${max} 个），只在你的命名空间内。`,
  backToConsole: '回到你的控制台',
  showAs: '显示为',
  wire: '协议报文',
  resultOf: (title) => `${title} 的结果`,
  locateTitle: (stored) => `在集群页上查找 ${stored}`,
  timeLeft: (key, left) => html`<code>${key}</code> 的剩余时间：<strong class="ttl-count">约 ${left} 秒</strong>（生成本页时；memcached 按整秒计时）。`,
  ranOut: (key, ago) => html`<code>${key}</code> 的 TTL 已经到期${ago >= 1 ? `（${ago} 秒前）` : ''}：memcached 不再返回它。`,
  getNow: (key) => `现在 get ${key}`,
  unavailable: '练习场的 memcached 没有应答：无法显示你的控制台，在它恢复之前命令都会失败。',
  csrf: '这个表单已过期，或者不是从本站发出的（CSRF 检查未通过）。请再提交一次。',
  invalidForm: '每个字段只能以文本形式发送一次。',
  tooMany: (perMinute, retry) => `来自你的地址的练习场命令太多了：每分钟最多 ${perMinute} 个键。请 ${retry} 秒后再试。`,
  chooseClear: '请选择要清除的内容：控制台，或者你的键。'
}

export const cas: typeof enCas = {
  heading: '3. 两个客户端：gets 与 cas',
  intro: html`两个客户端读取同一个数字，又都把改过的值写回去：后写的一方会悄无声息地抹掉前一方的修改。教程的解决办法是 <code>gets</code> 和 <code>cas</code>：<code>gets</code> 在读取值的同时读取它的 CAS 令牌（memcached 为每个数据项维护的版本号），<code>cas</code> 只在数据项仍是那个版本时才写入。后来的一方会得到 False，必须重新读取。`,
  tocLabel: '本页内容',
  byHand: '手动操作 conn1 和 conn2',
  byHandText: html`教程里的 <code>s1.py</code> 和 <code>s2.py</code>，并排放在一起：两个客户端，各用各的连接，都用 <code>memcache.Client([...], cache_cas=True)</code> 创建，这样 <code>cas</code> 发送的就是该客户端上一次 <code>gets</code> 得到的令牌。像在两个终端里那样交替操作它们：`,
  steps: [
    html`<code>conn1.set('n', 9)</code>`,
    html`<code>conn1.gets('n')</code>，然后 <code>conn2.gets('n')</code>：两者都读到 9，令牌也相同`,
    html`<code>conn1.cas('n', 99)</code>：True，数据项现在是新版本了`,
    html`<code>conn2.cas('n', 100)</code>：False，它的令牌已经过时；<code>conn2.gets('n')</code> 读到 99，之后再 cas 就成功了`
  ],
  ran: (client) => `${client} 运行的命令`,
  key: '键',
  value: '值',
  newValue: (key) => html`<span><code>${key}</code> 的新值</span>`,
  casAfterGets: 'cas 要在 gets 之后用：它发送的是 gets 返回的令牌。',
  alsoInConsole: html`这里的每次运行也都会出现在<a href="/memcache#console">你的控制台</a>里。`
}
