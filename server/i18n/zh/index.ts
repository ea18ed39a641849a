// 简体中文表：每一节都按英文表的类型书写，缺少的字符串会让类型检查失败。
import type { en } from '../en/index.ts'
import { common, start } from './common.ts'
import { flags, otherFlags } from './flags.ts'
import { session, story } from './session.ts'
import { errors } from './errors.ts'
import { cluster } from './cluster.ts'
import { cards, cas, fields, playground } from './playground.ts'
import { inputErrors } from './input-errors.ts'

export const zh: typeof en = { ...common, start, flags, otherFlags, session, story, errors, cluster, playground, cas, cards, fields, inputErrors }
