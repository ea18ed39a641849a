// 教程启动命令里每个参数的含义（英文原文在 server/start/command-line.ts）。
import type { flags as enFlags, otherFlags as enOther } from '../en/flags.ts'

export const flags: typeof enFlags = {
  '-d': { meaning: '以守护进程方式运行：memcached 脱离终端，在后台一直运行。', seen: '不报告。npm start 把节点作为自己的子进程在前台运行，所以它停止时节点也随之停止。' },
  '-m': { meaning: '用于存放数据的内存，单位 MB（默认 64）。内存满了以后，memcached 会淘汰最近最少使用的数据。', seen: 'stats settings 中的 maxbytes（单位字节），stats 中的 limit_maxbytes。' },
  '-u': { meaning: '以哪个用户身份运行。以 root 启动时，除非 -u 指定了用户，memcached 会拒绝启动，因为一个能从网络访问的缓存不应拥有 root 的权限；以 root 运行时应指定一个无特权用户（memcache），或者像教程那样直接指定 root。', seen: '不报告。npm start 只在以 root 运行时才加上 -u root，其他情况下 memcached 沿用启动它的用户。' },
  '-l': { meaning: '监听的地址。0.0.0.0 表示所有网络接口，其他机器也能访问；127.0.0.1 只允许本机访问。', seen: 'stats settings 中的 inter（NULL 表示所有接口）。' },
  '-p': { meaning: 'TCP 端口（11211 是 memcached 的默认端口；1024 以上的端口不需要特权）。', seen: 'stats settings 中的 tcpport。' },
  '-c': { meaning: '同时打开的最大连接数（默认 1024）；超过后新客户端需要等待。应按客户端及其连接池的规模来设置。', seen: 'stats settings 中的 maxconns；stats 中的 curr_connections 是当前打开的连接数。' },
  '-P': { meaning: '写入进程 id 的文件，以便脚本之后停止这个守护进程：kill "$(cat /tmp/memcached.pid)"。', seen: '不报告；pid 本身在 stats 中（pid）。' }
}

export const otherFlags: typeof enOther = {
  '-U': '同时开一个 UDP 端口（自 1.5.6 起默认关闭：memcached 的 UDP 曾被用于放大攻击）',
  '-B': '接受哪些协议：ascii 表示拒绝二进制协议',
  '-I': '能保存的最大数据项',
  '-t': '工作线程数',
  '-Z': '启用 TLS'
}
