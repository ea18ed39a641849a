// 简体中文表：每一节都按英文表的类型书写，缺少的字符串会让类型检查失败。
import type { en } from '../en/index.ts'
import { common, start } from './common.ts'
import { flags, otherFlags } from './flags.ts'

export const zh: typeof en = { ...common, start, flags, otherFlags }
