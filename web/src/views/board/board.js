// Shared by the 公开栏 pages (console and phone): the Chinese names of the API's values and small
// helpers. Contract: docs/modules/board.md. The server decides; the pages only offer what it allows.

const option = (value, label, extra = {}) => Object.freeze({ value, label, ...extra })

/** 公开类别. `community` is the name used at a 居委会 where it differs. */
export const CATEGORIES = Object.freeze([
  option('party', '党务公开', { type: 'danger' }),
  option('village', '村务公开', { community: '居务公开', type: 'primary' }),
  option('finance', '财务公开', { type: 'warning' }),
  option('procedure', '四议两公开', { type: 'success', auto: true }),
  option('resolution', '决议公开', { type: 'success' }),
  option('briefing', '村情发布会答复', { type: 'primary' }),
  option('policy', '政策宣传', { type: 'info' }),
  option('supervision', '监督公开', { type: 'warning' }),
])

export function categoryName(value, community = false) {
  const c = CATEGORIES.find((x) => x.value === value)
  if (!c) return value || ''
  return community && c.community ? c.community : c.label
}

export function categoryType(value) {
  const c = CATEGORIES.find((x) => x.value === value)
  return c ? c.type : 'info'
}

/** The categories a role publishes by hand (procedure entries come from 四议两公开 only). */
export function publishableCategories(role) {
  if (role === 'supervisor') return CATEGORIES.filter((c) => c.value === 'supervision')
  if (role === 'admin') return CATEGORIES.filter((c) => !c.auto)
  return CATEGORIES.filter((c) => !c.auto && c.value !== 'supervision')
}

export const ROLE_NAMES = Object.freeze({
  admin: '管理员',
  official: '乡镇（街道）',
  cadre: '村（居）两委',
  supervisor: '村务监督委员会',
})

/** 四议两公开: the steps in order. */
export const STEPS = Object.freeze([
  option('proposal', '党支部提议'),
  option('consultation', '两委商议', { votes: true }),
  option('review', '党员大会审议', { votes: true }),
  option('resolution', '村民（代表）会议决议', { votes: true, meeting: true }),
  option('publish', '决议公开', { publishes: true }),
  option('result', '实施结果公开', { publishes: true }),
])

export const stepName = (value) => (STEPS.find((s) => s.value === value) || { label: value || '' }).label

export const MEETINGS = Object.freeze({
  committees: '两委联席会议',
  party: '党员大会',
  representatives: '村民代表会议',
  villagers: '村民会议',
})

export const PROC_STATUS = Object.freeze({
  open: option('open', '进行中', { type: 'primary' }),
  rejected: option('rejected', '未通过', { type: 'danger' }),
  done: option('done', '已完成', { type: 'success' }),
})

/** 逾期 items of the schedule (Art. 30). */
export const LATE_ITEMS = Object.freeze({
  general: '村务一般事项（至少每季度）',
  finance: '财务收支',
  major: '重大事项（随时公开）',
})

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** `2025/01/15 14:30` in Beijing time. */
export function formatTime(at) {
  if (!at) return ''
  const d = new Date(at)
  return Number.isNaN(d.getTime()) ? String(at) : timeFormat.format(d)
}

/** A disclosure period in Chinese: 2025年、2025年5月、2025年第二季度. */
export function periodText(p) {
  if (!p) return ''
  const m = /^(\d{4})(?:-(\d{2})|-Q([1-4]))?$/.exec(p)
  if (!m) return p
  if (m[2]) return `${m[1]}年${Number(m[2])}月`
  if (m[3]) return `${m[1]}年第${'一二三四'[Number(m[3]) - 1]}季度`
  return `${m[1]}年`
}

/** The first characters of a hash, for people to compare. */
export const shortHash = (h) => (h ? `${h.slice(0, 8)}…${h.slice(-8)}` : '')

/** Today's date in Beijing, YYYY-MM-DD. */
export function todayBeijing() {
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(new Date())
}
