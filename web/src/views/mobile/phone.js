// What the resident phone pages (扫码自助 · 进度查询) share: the public API calls (no account, no
// session: plain JSON, no 401 handling), the Chinese words for a case, dates in Beijing, the
// 429 wait, the tracking codes remembered on this phone, and copying text.
import { request } from '../../http.js'

/** The public API, below /api/v1/public (docs/modules/cases.md, "Public"). Rejects with ApiError. */
export const publicApi = {
  place: (code, options = {}) => request('GET', `/public/places/${encodeURIComponent(code)}`, { ...options, redirectOn401: false }),
  submit: (body) => request('POST', '/public/cases', { body, redirectOn401: false }),
  upload: (tracking, file) =>
    request('POST', `/public/cases/${encodeURIComponent(tracking)}/files`, { raw: file, redirectOn401: false }),
  get: (tracking, options = {}) =>
    request('GET', `/public/cases/${encodeURIComponent(tracking)}`, { ...options, redirectOn401: false }),
  evaluate: (tracking, body) =>
    request('POST', `/public/cases/${encodeURIComponent(tracking)}/evaluate`, { body, redirectOn401: false }),
  /** The public board's answers to the case (村情发布会答复 …), newest first (docs/modules/board.md). */
  answers: (tracking, options = {}) =>
    request('GET', `/public/board/cases/${encodeURIComponent(tracking)}`, { ...options, redirectOn401: false }),
  fileUrl: (tracking, id) => `/api/v1/public/cases/${encodeURIComponent(tracking)}/files/${encodeURIComponent(id)}`,
}

export const TYPE_NAMES = Object.freeze({ problem: '问题', suggestion: '意见建议', dispute: '矛盾纠纷' })

export const STATUS_NAMES = Object.freeze({
  submitted: '待分流',
  referred: '已转办',
  replied: '部门已答复',
  handling: '办理中',
  deliberating: '民议中',
  resolved: '已解决',
  closed: '已办结',
})

/** What each status means for the resident (shown under the status). */
export const STATUS_HINTS = Object.freeze({
  submitted: '已收到，等待工作人员分流',
  referred: '已转交职能部门办理',
  replied: '职能部门已答复，正在跟进',
  handling: '正在办理',
  deliberating: '正在组织居民议事协商',
  resolved: '已解决，请您评价',
  closed: '办理完毕，感谢您的参与',
})

/** Vant tag colours by status. */
export const STATUS_TAG = Object.freeze({
  submitted: 'warning',
  referred: 'primary',
  replied: 'primary',
  handling: 'primary',
  deliberating: 'primary',
  resolved: 'success',
  closed: 'default',
})

// 三事分流
export const KIND_NAMES = Object.freeze({ major: '大事', minor: '小事', private: '私事' })
export const KIND_HINTS = Object.freeze({
  major: '政府事务，转职能部门办理',
  minor: '村（社区）公共事务，由村（社区）两委办理',
  private: '个人事务，引导您自行解决',
})

export const RESOLUTION_NAMES = Object.freeze({
  community: '社区自行解决',
  volunteers: '社区带领志愿团队解决',
  resources: '链接资源、上报争取解决',
  upper: '上级协调解决',
  department: '职能部门办理',
  resident: '居民自行解决',
  market: '市场渠道解决',
  mediation: '调解',
})

export const RATING_NAMES = Object.freeze({ satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' })

// The history's actions (the public ones, and a name for any other the server may show).
export const ACTION_NAMES = Object.freeze({
  create: '提交诉求',
  created: '提交诉求',
  submit: '提交诉求',
  submitted: '提交诉求',
  triage: '已分流',
  reply: '部门答复',
  feedback: '办理反馈',
  resolve: '已解决',
  evaluate: '居民评价',
  close: '办结',
  reopen: '重新办理',
  deliberate: '居民议事',
  decide: '议事决定',
  escalate: '超期上报',
  carry: '结转下年',
})

export const actionName = (action) => ACTION_NAMES[action] || action || ''

/** What a history row set, from its `detail` (the kind, the resolution, the rating), or ''. */
export function eventDetail(ev) {
  const d = String((ev && ev.detail) || '')
  if (!d) return ''
  if (ev.action === 'triage') return KIND_NAMES[d.split(':')[0]] || ''
  if (ev.action === 'resolve') return RESOLUTION_NAMES[d] || ''
  if (ev.action === 'evaluate') return RATING_NAMES[d] || ''
  return ''
}

const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  weekday: 'short',
  hourCycle: 'h23',
})

function parts(iso) {
  const d = new Date(iso)
  if (!iso || Number.isNaN(d.getTime())) return null
  return Object.fromEntries(beijing.formatToParts(d).map((p) => [p.type, p.value]))
}

/** `2025-01-15 14:30` in Beijing time, whatever the phone's time zone. */
export function formatTime(iso) {
  const p = parts(iso)
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : ''
}

/** `2025年01月15日（周三）14:30` in Beijing time: the 反馈期限. */
export function formatDue(iso) {
  const p = parts(iso)
  return p ? `${p.year}年${p.month}月${p.day}日（${p.weekday}）${p.hour}:${p.minute}` : ''
}

/** Retry-After seconds → `30 秒` / `5 分钟` / `2 小时`. */
export function waitText(seconds) {
  const s = Number(seconds) || 0
  if (s <= 0) return '稍后'
  if (s < 60) return `${s} 秒`
  if (s < 3600) return `${Math.ceil(s / 60)} 分钟`
  return `${Math.ceil(s / 3600)} 小时`
}

/** The Chinese text for a failed public call; `notFound`: what to say for a 404. */
export function failureText(e, { notFound = '未找到' } = {}) {
  if (!e) return '请求失败'
  if (e.status === 429) return `提交过于频繁，请 ${waitText(e.retryAfter)}后再试`
  if (e.status === 404) return notFound
  return e.message || '请求失败'
}

/** A tracking code as typed: spaces dropped, letters in capitals (codes are 12 of 2–9, A–Z; older ones 10). */
export function cleanTracking(s) {
  return String(s || '').replace(/[\s\u3000-]+/g, '').toUpperCase()
}

// Tracking codes remembered on this phone (localStorage), newest first.
const RECENT_KEY = 'gz_cases_recent'
const RECENT_MAX = 10

export function recentCases() {
  try {
    const list = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]')
    return Array.isArray(list) ? list.filter((x) => x && typeof x.code === 'string') : []
  } catch {
    return []
  }
}

/** Remembers (or refreshes) a case: {code, title, place, at}. Storage may be off (private mode). */
export function rememberCase(entry) {
  try {
    const list = recentCases().filter((x) => x.code !== entry.code)
    list.unshift({ code: entry.code, title: entry.title || '', place: entry.place || '', at: entry.at || new Date().toISOString() })
    localStorage.setItem(RECENT_KEY, JSON.stringify(list.slice(0, RECENT_MAX)))
  } catch {
    /* nothing to do: the code is still on the screen */
  }
}

export function forgetCase(code) {
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(recentCases().filter((x) => x.code !== code)))
  } catch {
    /* ignore */
  }
}

/** Copies text: the clipboard API where allowed (https), else a selected textarea. */
export async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text)
      return true
    }
  } catch {
    /* fall back below */
  }
  const ta = document.createElement('textarea')
  ta.value = text
  ta.setAttribute('readonly', '')
  ta.style.position = 'fixed'
  ta.style.top = '-1000px'
  ta.style.fontSize = '16px' // no zoom on iOS
  document.body.appendChild(ta)
  ta.select()
  ta.setSelectionRange(0, text.length)
  let ok = false
  try {
    ok = document.execCommand('copy')
  } catch {
    ok = false
  }
  ta.remove()
  return ok
}
