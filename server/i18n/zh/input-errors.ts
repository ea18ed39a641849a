// 练习场对表单和控制台输入的检查结果。Python 自己的错误行（SyntaxError: ……）保持原样。
import type { InputWords } from '../en/input-errors.ts'

export const inputErrors: InputWords = {
  enterKey: '请输入一个键。',
  keyTooLong: (bytes, max) => `这个键有 ${bytes} 字节；练习场的键最多 ${max} 字节（memcached 的 250 字节减去你的命名空间前缀）。`,
  badKey: (reason) => `这个键不能用：${reason}。`,
  enterValue: '请输入一个值。',
  valueTooBig: (kib) => `这个值超过了 ${kib} KiB，这是练习场的上限。`,
  badTtl: (max) => `TTL 必须是 0 到 ${max}（30 天）之间的整数秒。`,
  badDelta: '加减量必须是 0 到 2^64-1 之间的整数。',
  enterKeys: '请输入一个或多个键，用空格或逗号分隔。',
  tooManyKeys: (max) => `一次最多 ${max} 个键。`,
  enterPairs: '请每行输入一对 key=value。',
  tooManyPairs: (max) => `一次最多 ${max} 对。`,
  notPair: (line) => `"${line}" 不是 key=value 的形式。`,
  pairsTooBig: (kib) => `这些值加起来超过了 ${kib} KiB。`,
  concatTooBig: (op, bytes, kib) => `${op} 被拒绝：值会变成 ${bytes} 字节，超过练习场 ${kib} KiB 的上限。`,
  concatGaveUp: (op) => `${op} 放弃了：运行期间这个键一直在变。请再运行一次。`,
  raceChanged: '竞争过程中键被改动了；请再运行一次。',
  unknownCommand: (op) => `未知的命令${op ? ` "${op}"` : ''}。`,
  getsFirst: '请先运行 gets：cas 需要 gets 返回的令牌。',
  typeACall: '请输入一个调用，例如 conn.set(\'k\', \'v\', 1)。',
  lineTooLong: (kib) => `这一行超过了 ${kib} KiB。`,
  multiKeyChars: '这个键不能在这里使用：set_multi 的键不能包含 = 或换行。',
  multiValueBreak: '在 set_multi 中，值不能包含换行。'
}
