// Shared by the registry pages (网格管理, 住户档案, 居民查询): the Chinese names of the API's
// values, who may write, the form rules, and how a field's server error is shown.
// Contract: docs/modules/registry.md.
import { getAll } from '../../api.js'
import { errorMessage } from '../../errors.js'
import { session } from '../../session.js'
import './registry.css'

/** Roles that may create and edit grids, buildings, households and residents. */
export const WRITE_ROLES = Object.freeze(['admin', 'cadre', 'grid_worker'])

export function canWrite() {
  return !!session.user && WRITE_ROLES.includes(session.user.role)
}

/** Roles that may assign and end grid roles (the server answers 403 to the others). */
export const ROLE_ASSIGN_ROLES = Object.freeze(['admin', 'cadre'])

export function canAssignRoles() {
  return !!session.user && ROLE_ASSIGN_ROLES.includes(session.user.role)
}

/** Roles that may move a building to another grid and add care tags (the others get 403). */
export const MANAGE_ROLES = Object.freeze(['admin', 'cadre'])

export function canManage() {
  return !!session.user && MANAGE_ROLES.includes(session.user.role)
}

export const GENDERS = Object.freeze([
  { value: 'male', label: '男' },
  { value: 'female', label: '女' },
])

export const HUKOU = Object.freeze([
  { value: 'local', label: '本地' },
  { value: 'nonlocal', label: '外地' },
])

export const KINDS = Object.freeze([
  { value: 'building', label: '楼栋' },
  { value: 'courtyard', label: '院落' },
])

export const STATUSES = Object.freeze([
  { value: 'present', label: '在册', type: 'success' },
  { value: 'moved_out', label: '已迁出', type: 'info' },
  { value: 'deceased', label: '已故', type: 'info' },
])

/**
 * The five grid roles (网格指导员 – 网格长 – 网格员 – 居民小组长 – 楼栋长), in that order, and the
 * levels of place each may be held at.
 */
export const GRID_ROLES = Object.freeze([
  { value: 'instructor', label: '网格指导员', levels: ['village', 'grid'] },
  { value: 'leader', label: '网格长', levels: ['grid'] },
  { value: 'member', label: '网格员', levels: ['grid'] },
  { value: 'group_leader', label: '居民小组长', levels: ['village', 'grid'] },
  { value: 'building_leader', label: '楼栋长', levels: ['building'] },
])

/** The level of a village, grid or building code (12, 15, 18 digits), else ''. */
export function levelOfCode(code) {
  const n = typeof code === 'string' ? code.length : 0
  return n === 12 ? 'village' : n === 15 ? 'grid' : n === 18 ? 'building' : ''
}

/** The grid roles that may be held at a place of this level. */
export function rolesForLevel(level) {
  return GRID_ROLES.filter((r) => r.levels.includes(level))
}

/** Sorts grid-role assignments by place, then in the order of GRID_ROLES, then by id. */
export function compareRoles(a, b) {
  const order = (r) => GRID_ROLES.findIndex((x) => x.value === r.role)
  if (a.place_code !== b.place_code) return a.place_code < b.place_code ? -1 : 1
  return order(a) - order(b) || a.id - b.id
}

/** 政治面貌, sent as the Chinese text. */
export const POLITICAL = Object.freeze(['群众', '中共党员', '共青团员', '其他'])

/** 与户主关系, sent as the Chinese text (docs/modules/registry.md). */
export const RELATIONS = Object.freeze(['户主', '配偶', '子', '女', '父母', '祖父母', '孙子女', '兄弟姐妹', '其他'])

/** The 56 ethnic groups, for the 民族 select (汉族 first, the default). */
export const ETHNICITIES = Object.freeze([
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族',
  '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族',
  '拉祜族', '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族',
  '布朗族', '撒拉族', '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族', '乌孜别克族',
  '俄罗斯族', '鄂温克族', '德昂族', '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族',
  '门巴族', '珞巴族', '基诺族',
])

const labelOf = (list) => (value) => (list.find((x) => x.value === value) || {}).label || value || ''
export const genderName = labelOf(GENDERS)
export const hukouName = labelOf(HUKOU)
export const kindName = labelOf(KINDS)
export const statusName = labelOf(STATUSES)
export const gridRoleName = labelOf(GRID_ROLES)
export function statusType(value) {
  return (STATUSES.find((x) => x.value === value) || {}).type || 'info'
}

/** The names of a path [{code,name,level}…] or [name…] joined with ' › '. */
export function pathNames(path) {
  if (!Array.isArray(path)) return ''
  return path.map((p) => (typeof p === 'string' ? p : p && p.name) || '').filter(Boolean).join(' › ')
}

// Form rules (Element Plus async-validator), all messages in Chinese.
export const ID_NUMBER_RE = /^\d{17}[\dXx]$/
// A phone: digits with optional +, - and spaces (+86 138 0000 1234, 0718-7281234), 7 or more digits.
export const PHONE_RE = /^\+?[\d -]{7,20}$/

export function required(message, trigger = 'blur') {
  return { required: true, message, trigger }
}

export function maxLength(max, what) {
  return { max, message: `${what}不能超过 ${max} 个字`, trigger: 'blur' }
}

export const idNumberRule = {
  trigger: 'blur',
  validator: (_rule, value, callback) => {
    if (!value || ID_NUMBER_RE.test(value)) callback()
    else callback(new Error('公民身份号码应为 18 位：17 位数字加 1 位数字或 X'))
  },
}

export const phoneRule = {
  trigger: 'blur',
  validator: (_rule, value, callback) => {
    if (!value || (PHONE_RE.test(value) && value.replace(/\D/g, '').length >= 7)) callback()
    else callback(new Error('请输入正确的电话号码：手机号或带区号的固定电话（数字，可含 +、- 和空格）'))
  },
}

/**
 * The text to show under a form field for a failed call whose `field` names it: the console's
 * Chinese text for the code followed by the server's message, which says which rule failed
 * (字段取值无效：citizen id number has a wrong check digit); a Chinese server message alone.
 */
export function fieldErrorText(e) {
  if (!e) return '取值无效'
  const own = e.serverMessage || ''
  if (own && /[\u4e00-\u9fff]/.test(own)) return own
  const prefix = errorMessage(e.code, '', null, e.status) || '取值无效'
  return own ? `${prefix}：${own}` : e.message || prefix
}

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })

/** Today in Beijing as YYYY-MM-DD: the server's "today" for visit dates (not the browser's zone). */
export function todayBeijing() {
  const part = Object.fromEntries(dayFormat.formatToParts(new Date()).map((p) => [p.type, p.value]))
  return `${part.year}-${part.month}-${part.day}`
}

/**
 * For el-date-picker's disabled-date (a local midnight): days after today in Beijing, the server's
 * today (birth dates, visits, presence events), whatever the browser's time zone.
 */
export function isAfterTodayBeijing(date) {
  const pad = (n) => String(n).padStart(2, '0')
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
  return day > todayBeijing()
}

/** Choices for 走访提醒: households not visited in this many days. */
export const OVERDUE_DAYS = Object.freeze([30, 60, 90, 180])

const timeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})

/** An RFC 3339 time as 2026/11/23 15:40 (Beijing time). */
export function formatTime(at) {
  if (!at) return ''
  const d = new Date(at)
  return Number.isNaN(d.getTime()) ? String(at) : timeFormat.format(d)
}

/** 1980-05-06（45 岁）from a resident's birth_date and age. */
export function birthText(r) {
  if (!r) return ''
  const age = typeof r.age === 'number' ? `（${r.age} 岁）` : ''
  return `${r.birth_date || '—'}${age}`
}

/** Whether a value the server sent is masked (138****5678, 4228**********213X). */
export function isMasked(value) {
  return typeof value === 'string' && value.includes('*')
}

const FIELD_NAMES = Object.freeze({
  name: '姓名',
  gender: '性别',
  birth_date: '出生日期',
  id_number: '公民身份号码',
  phone: '电话',
  ethnicity: '民族',
  hukou: '户籍类型',
  political: '政治面貌',
  relation: '与户主关系',
  tags: '关爱标签',
})

/** How a member added through the console came to the household (POST /residents `arrival`). */
export const ARRIVALS = Object.freeze([
  { value: 'registered', label: '登记' },
  { value: 'birth', label: '出生' },
  { value: 'move_in', label: '迁入' },
])

/**
 * The presence events a member of the household file can be given (POST /residents/{id}/events):
 * the kind sent, the action's name, the date's label, the note's label, and from which statuses.
 */
export const PRESENCE_EVENTS = Object.freeze([
  { value: 'move_out', label: '迁出', date: '迁出日期', note: '迁往何处', from: ['present'] },
  { value: 'death', label: '死亡', date: '死亡日期', note: '备注', from: ['present'] },
  { value: 'return', label: '迁回', date: '迁回日期', note: '备注', from: ['moved_out'] },
  { value: 'transfer', label: '分户/转入他户', date: '转入日期', note: '备注', from: ['present'] },
])

/** The kinds of a household's history (`events` of GET /households/{id}) in words, with a colour. */
export const EVENT_KINDS = Object.freeze({
  created: { label: '登记', type: 'primary' },
  born: { label: '出生', type: 'success' },
  moved_in: { label: '迁入', type: 'success' },
  edited: { label: '修改', type: 'info' },
  moved_out: { label: '迁出', type: 'warning' },
  died: { label: '死亡', type: 'info' },
  returned: { label: '迁回', type: 'success' },
  transferred: { label: '分户/转入', type: 'primary' },
})

export function eventKindName(kind) {
  return (EVENT_KINDS[kind] || {}).label || kind || ''
}

export function eventKindType(kind) {
  return (EVENT_KINDS[kind] || {}).type || 'info'
}

/** The fields an `edited` entry names (detail.changed), in Chinese: 电话、关爱标签. */
export function changedFields(ev) {
  const changed = ev && ev.detail && Array.isArray(ev.detail.changed) ? ev.detail.changed : []
  return changed.map((f) => FIELD_NAMES[f] || f).join('、')
}

let careTagsPromise = null

/** The care tags, as [{tag, residents}] (GET /care-tags, every page; kept for the page load). */
export function loadCareTags({ fresh = false } = {}) {
  if (fresh) careTagsPromise = null
  if (!careTagsPromise) {
    careTagsPromise = getAll('/care-tags', { limit: 500 }).then(
      ({ items }) => items.filter((t) => t && t.tag),
      (e) => {
        careTagsPromise = null
        throw e
      },
    )
  }
  return careTagsPromise
}

/** Levels whose places hold households themselves or through their grids and buildings. */
export const HOUSEHOLD_LEVELS = Object.freeze(['village', 'grid', 'building'])

/**
 * Where a household can be placed within a village, grid or building: the place itself, then its
 * grids and their buildings, as [{code, label, level}] (GET /grids and GET /buildings under it).
 */
export async function loadPlaceOptions(place) {
  if (place.level === 'building') return [{ code: place.code, label: place.name, level: 'building' }]
  const [grids, buildings] = await Promise.all([
    place.level === 'village' ? getAll('/grids', { under: place.code, limit: 500 }) : Promise.resolve({ items: [] }),
    getAll('/buildings', { under: place.code, limit: 500 }),
  ])
  const options = [{ code: place.code, label: place.level === 'village' ? `${place.name}（村/社区本级）` : place.name, level: place.level }]
  const placed = new Set()
  for (const g of grids.items) {
    options.push({ code: g.code, label: g.name, level: 'grid' })
    for (const b of buildings.items) {
      if (b.grid_code !== g.code) continue
      placed.add(b.code)
      options.push({ code: b.code, label: `${g.name} › ${b.name}`, level: 'building' })
    }
  }
  for (const b of buildings.items) {
    if (!placed.has(b.code)) options.push({ code: b.code, label: `${b.grid_name || b.grid_code} › ${b.name}`, level: 'building' })
  }
  return options
}
