// What the deliberation pages (议事协商) share: the Chinese words for meeting states, votes and
// choices, the meeting types as the server's rules table gives them (GET /council/rules, loaded
// once), and Beijing times.

import { api } from '../../api.js'
import '../registry/registry.css'
import '../cases/cases.css'

export const STATUS_NAMES = Object.freeze({
  planned: '筹备中',
  fixed: '议程已确定',
  open: '会议进行中',
  closed: '已结束',
  cancelled: '已取消',
})

export const STATUS_TAG = Object.freeze({ planned: 'info', fixed: 'warning', open: 'success', closed: '', cancelled: 'danger' })

export const statusName = (s) => STATUS_NAMES[s] || s || ''

export const METHOD_NAMES = Object.freeze({ open: '举手表决', secret: '无记名投票' })
export const CHOICE_NAMES = Object.freeze({ yes: '赞成', no: '反对', abstain: '弃权' })
export const MEMBER_KINDS = Object.freeze({ representative: '村（居）民代表', committee: '两委成员' })

/** The steps of a meeting, in order (el-steps). */
export const STEPS = ['planned', 'fixed', 'open', 'closed']

let rulesPromise = null

/** The rules table (cached for the page's life): [{type, name, law, article, levels, …}]. */
export function loadRules() {
  if (!rulesPromise) {
    rulesPromise = api.get('/council/rules').then((r) => r.items).catch((e) => {
      rulesPromise = null
      throw e
    })
  }
  return rulesPromise
}

/** 《村民委员会组织法》第二十二条, or 协商议事 for a form the law does not regulate. */
export function ruleCitation(rule) {
  if (!rule) return ''
  return rule.law ? `《${rule.law}》${rule.article}` : '协商议事形式'
}

const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** `2026-12-05 19:30` in Beijing time. */
export function formatTime(iso) {
  const d = new Date(iso)
  if (!iso || Number.isNaN(d.getTime())) return ''
  const p = Object.fromEntries(beijing.formatToParts(d).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`
}

/** The Beijing date YYYY-MM-DD of an ISO time (for the calendar). */
export function beijingDate(iso) {
  return formatTime(iso).slice(0, 10)
}

/** A date picker's value 'YYYY-MM-DD HH:mm' (a wall time in Beijing) → RFC 3339 with +08:00. */
export function pickerToIso(v) {
  return v ? `${String(v).replace(' ', 'T')}:00+08:00` : ''
}
