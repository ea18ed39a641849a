// 错误页面，以及表单守卫对跨站请求的拒绝。
import type { errors as enErrors } from '../en/errors.ts'

export const errors: typeof enErrors = {
  unavailable: { heading: '会话存储不可用', message: '没有任何 memcached 节点及时应答。只要有节点恢复，页面就能正常工作；请稍后重试。' },
  refused: '请求被拒绝',
  badRequest: '错误的请求',
  failed: { heading: '出错了', message: '错误已记录。请再试一次。' },
  badUrl: '这个地址不是有效的 URL：其中每个 % 都必须开始一个由两位十六进制数字组成的 % 转义（例如 %20）。',
  notFound: { heading: '找不到页面', message: (url) => `${url} 这里什么都没有。` },
  back: '回到你的会话',
  crossOrigin: (reason) => `这个请求来自其他网站（${reason}），因此被拒绝。请从本站自己的页面提交表单。`,
  otherOrigin: '它的 Origin 是其他网站'
}
