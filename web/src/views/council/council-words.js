// The words and times of deliberation (议事协商) without any UI library: shared by the console's
// pages (through council.js) and the residents' phone pages (m.html), which must not load the
// console's Element Plus.

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
