// Shared by the 民情诉求 pages (诉求受理, 诉求详情, 统计分析, 部门管理, 资源清单, 扫码海报): the Chinese
// names of the API's values, who may do what, which actions a case offers now, and small helpers.
// Contract: docs/modules/cases.md. The server decides; the console only offers what it would allow.
import { session } from '../../session.js'
import { formatTime } from '../registry/registry.js'
import './cases.css'

export { formatTime }

const option = (value, label, extra = {}) => Object.freeze({ value, label, ...extra })

/** 渠道: where the case came from. */
export const CHANNELS = Object.freeze([
  option('spokesperson', '社区发言人'),
  option('hall', '居民议事堂'),
  option('breakfast', '早餐会'),
  option('briefing', '村情发布会'),
  option('grid_visit', '网格走访'),
  option('informant', '廉情信息员'),
  option('qr', '扫码自助(云柜)'),
  option('phone', '电话'),
  option('online', '网上'),
  option('special_needs', '特殊群体上报'),
])

/** 类型 */
export const TYPES = Object.freeze([
  option('problem', '问题'),
  option('suggestion', '意见建议'),
  option('dispute', '矛盾纠纷'),
])

/** 三事分流: the kinds a case is triaged into (null: not yet). */
export const KINDS = Object.freeze([
  option('major', '大事', { hint: '政府事务，转职能部门办理', type: 'danger' }),
  option('minor', '小事', { hint: '村（社区）公共事务，由村（社区）“两委”牵头办理', type: 'warning' }),
  option('private', '私事', { hint: '居民个人事务，引导居民自行解决', type: 'success' }),
])

/** 状态, with the colour of its tag. */
export const STATUSES = Object.freeze([
  option('submitted', '待分流', { type: 'danger' }),
  option('referred', '已转办', { type: 'warning' }),
  option('replied', '部门已答复', { type: 'primary' }),
  option('handling', '办理中', { type: 'primary' }),
  option('deliberating', '民议中', { type: 'warning' }),
  option('resolved', '已解决(待评价)', { type: 'success' }),
  option('closed', '已办结', { type: 'info' }),
])

/** 解决方式, and the kinds each may close. */
export const RESOLUTIONS = Object.freeze([
  option('community', '社区自行解决', { kinds: ['minor'] }),
  option('volunteers', '社区带领志愿团队', { kinds: ['minor'] }),
  option('resources', '链接资源/上报争取', { kinds: ['minor'] }),
  option('upper', '上级协调', { kinds: ['major', 'minor'] }),
  option('department', '部门办理', { kinds: ['major'] }),
  option('resident', '居民自行解决', { kinds: ['private'] }),
  option('market', '市场渠道', { kinds: ['private'] }),
  option('mediation', '调解', { kinds: [] }),
])

/** 民事民评 */
export const RATINGS = Object.freeze([
  option('satisfied', '满意', { type: 'success' }),
  option('basic', '基本满意', { type: 'primary' }),
  option('unsatisfied', '不满意', { type: 'danger' }),
])

/** 调解结果 (a dispute's mediation outcome). */
export const OUTCOMES = Object.freeze([
  option('agreement', '达成协议'),
  option('no_agreement', '未达成协议'),
])

/** 资源清单 categories. */
export const CATEGORIES = Object.freeze([
  option('volunteers', '志愿团队'),
  option('partner', '共建单位'),
  option('fund', '专项经费'),
  option('organization', '社会组织'),
  option('other', '其他'),
])

/** 街道 / 乡镇 (by the NBS township code: 001–099 streets, 100–599 townships). */
export const AREAS = Object.freeze([option('street', '街道'), option('township', '乡镇')])

const labelOf = (list) => (value) => (list.find((x) => x.value === value) || {}).label || value || ''
export const channelName = labelOf(CHANNELS)
export const typeName = labelOf(TYPES)
export const statusName = labelOf(STATUSES)
export const resolutionName = labelOf(RESOLUTIONS)
export const ratingName = labelOf(RATINGS)
export const outcomeName = labelOf(OUTCOMES)
export const categoryName = labelOf(CATEGORIES)
export const areaName = labelOf(AREAS)

export function kindName(kind) {
  if (kind === null || kind === undefined || kind === '' || kind === 'none') return '未分流'
  return labelOf(KINDS)(kind)
}

export function kindType(kind) {
  return (KINDS.find((x) => x.value === kind) || {}).type || 'info'
}

export function statusType(status) {
  return (STATUSES.find((x) => x.value === status) || {}).type || 'info'
}

export function ratingType(rating) {
  return (RATINGS.find((x) => x.value === rating) || {}).type || 'info'
}

/**
 * The resolutions a case may be closed with, as the server checks them: those of its kind; a
 * 矛盾纠纷, whatever its kind, only by 调解 (with 调解人 and 调解结果).
 */
export function resolutionsFor(kind, type) {
  if (type === 'dispute') return RESOLUTIONS.filter((r) => r.value === 'mediation')
  return RESOLUTIONS.filter((r) => r.kinds.includes(kind))
}

/** The history's actions (`events[].action`) in Chinese, with the timeline dot's colour. */
export const EVENT_ACTIONS = Object.freeze({
  create: { label: '登记', type: 'primary' },
  submit: { label: '登记', type: 'primary' },
  triage: { label: '分流', type: 'primary' },
  reply: { label: '部门答复', type: 'success' },
  return: { label: '部门退回', type: 'warning' },
  deliberate: { label: '民议', type: 'warning' },
  decide: { label: '民决', type: 'primary' },
  feedback: { label: '反馈', type: 'success' },
  note: { label: '备注', type: 'info' },
  resolve: { label: '办结', type: 'success' },
  evaluate: { label: '评价', type: 'primary' },
  close: { label: '关闭', type: 'info' },
  escalate: { label: '超期上报', type: 'danger' },
  carry: { label: '年度结转', type: 'warning' },
  reopen: { label: '重新办理', type: 'warning' },
  file: { label: '上传照片', type: 'info' },
  upload: { label: '上传照片', type: 'info' },
})

export function eventActionName(action) {
  return (EVENT_ACTIONS[action] || {}).label || action || ''
}

export function eventActionType(action) {
  return (EVENT_ACTIONS[action] || {}).type || 'info'
}

// Who may do what (docs/modules/cases.md; the server answers 403 to anyone else).
export const ROLES = Object.freeze({
  list: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson', 'department'],
  create: ['admin', 'official', 'cadre', 'grid_worker', 'spokesperson'],
  export: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson', 'department'],
  carry: ['admin', 'official', 'cadre'],
  upload: ['admin', 'official', 'cadre', 'grid_worker', 'spokesperson', 'department'],
  figures: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker'],
  departments: ['admin', 'official'],
  resources: ['admin', 'official', 'cadre', 'grid_worker'],
  poster: ['admin', 'official', 'cadre', 'grid_worker'],
  settings: ['admin', 'official', 'cadre'],
})

export function role() {
  return (session.user && session.user.role) || ''
}

export function may(what) {
  return (ROLES[what] || []).includes(role())
}

export function isDepartmentUser() {
  return role() === 'department'
}

const LEADERS = ['admin', 'official', 'cadre']
const OPEN = ['submitted', 'referred', 'replied', 'handling', 'deliberating']

/**
 * The transitions (POST /cases/{id}/actions), in the order the buttons are shown: the action,
 * its button, the dialog's title, the statuses it starts from, the roles that may take it, what
 * the note is called and whether it is required. `when(c)` narrows it further.
 */
export const ACTIONS = Object.freeze([
  { action: 'triage', label: '分流', title: '三事分流', from: ['submitted'], roles: LEADERS, note: '分流说明', noteRequired: false, button: 'primary' },
  { action: 'reply', label: '部门答复', title: '部门答复', from: ['referred'], roles: ['department', 'admin'], note: '答复内容', noteRequired: true, button: 'primary' },
  { action: 'return', label: '退回', title: '退回诉求', from: ['referred'], roles: ['department', 'admin'], note: '退回原因（为何不属本部门办理）', noteRequired: true, button: 'warning' },
  { action: 'deliberate', label: '民议', title: '民议（提交居民议事）', from: ['handling'], roles: LEADERS, note: '议事安排', noteRequired: false, when: (c) => c.kind === 'minor', button: 'warning' },
  { action: 'decide', label: '民决', title: '民决（议事结果）', from: ['deliberating'], roles: LEADERS, note: '决议内容', noteRequired: true, button: 'primary' },
  { action: 'resolve', label: '办结', title: '办结', from: ['handling', 'replied'], roles: LEADERS, note: '办理结果（将告知诉求人）', noteRequired: true, when: (c) => c.status !== 'replied' || c.kind === 'major', button: 'success' },
  { action: 'feedback', label: '反馈', title: '向诉求人反馈', from: OPEN, roles: ['admin', 'official', 'cadre', 'grid_worker'], note: '反馈内容（将告知诉求人）', noteRequired: true, button: 'default' },
  { action: 'evaluate', label: '代录评价', title: '代录评价（民事民评）', from: ['resolved'], roles: ['admin', 'official', 'cadre', 'grid_worker'], note: '评价意见', noteRequired: false, button: 'primary' },
  { action: 'close', label: '关闭', title: '关闭诉求', from: ['resolved'], roles: LEADERS, note: '关闭原因（如：无法联系诉求人评价）', noteRequired: true, button: 'default' },
  { action: 'note', label: '备注', title: '内部备注', from: [...OPEN, 'resolved'], roles: ['admin', 'official', 'cadre', 'grid_worker', 'spokesperson', 'department'], note: '备注（仅内部可见）', noteRequired: true, button: 'default' },
])

/** The actions the signed-in user may take on this case now. */
export function actionsFor(c) {
  if (!c) return []
  const r = role()
  return ACTIONS.filter((a) => a.from.includes(c.status) && a.roles.includes(r) && (!a.when || a.when(c)))
}

export function actionOf(name) {
  return ACTIONS.find((a) => a.action === name) || null
}

/** 升级: 0 none, 1 to the township, 2 to the county. */
export function escalationText(c) {
  const level = (c && c.escalation_level) || 0
  if (!level) return ''
  return level >= 2 ? '已上报县级' : '已上报乡镇'
}

const dayMs = 24 * 3600 * 1000

/** 反馈期限 in words: 已超期 n 天 / 剩 n 天 / 已反馈 (…). */
export function dueText(c) {
  if (!c || !c.due_at) return ''
  const due = new Date(c.due_at).getTime()
  if (Number.isNaN(due)) return ''
  if (c.feedback_at) {
    const fb = new Date(c.feedback_at).getTime()
    return fb <= due ? '已按期反馈' : '已反馈（超期）'
  }
  if (c.status === 'resolved' || c.status === 'closed') return ''
  const now = Date.now()
  if (c.overdue || now > due) return `已超期 ${Math.max(1, Math.ceil((now - due) / dayMs))} 天`
  const left = Math.ceil((due - now) / dayMs)
  return left <= 1 ? '今日到期' : `剩 ${left} 天`
}

/** The codes of the township (9 digits) and county (6) a place code belongs to. */
export function townshipOf(code) {
  return typeof code === 'string' && code.length >= 9 ? code.slice(0, 9) : ''
}

export function countyOf(code) {
  return typeof code === 'string' && code.length >= 6 ? code.slice(0, 6) : ''
}

/** The level of a village, grid or building code (12, 15, 18 digits), else ''. */
export function caseLevelOf(code) {
  const n = typeof code === 'string' ? code.length : 0
  return n === 12 ? 'village' : n === 15 ? 'grid' : n === 18 ? 'building' : ''
}

/** A rate 0–1 (or already a percentage) as 87.5%. */
export function percent(rate) {
  if (rate === null || rate === undefined || Number.isNaN(Number(rate))) return '—'
  const v = Number(rate)
  const pct = v <= 1 ? v * 100 : v
  return `${Math.round(pct * 10) / 10}%`
}

/** The year in Beijing now. */
export function thisYear() {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()))
}

/** This month in Beijing as YYYY-MM. */
export function thisMonth() {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  )
  return `${parts.year}-${parts.month}`
}

/** Length in characters (a Chinese character is one), as the server counts. */
export function charCount(s) {
  return s ? Array.from(s).length : 0
}
