// The tree of places as the console sees it: level names, path and count helpers, and the calls
// GET /places, GET /places/{code}, GET /places/{code}/children.
import { api, getAll } from './api.js'

export const LEVELS = ['province', 'city', 'county', 'township', 'village', 'grid', 'building']

export const LEVEL_NAMES = Object.freeze({
  province: '省级',
  city: '地级',
  county: '县级',
  township: '乡级',
  village: '村级',
  grid: '网格',
  building: '楼栋/院落',
})

export const PATH_SEPARATOR = ' › '

export function levelName(level) {
  return LEVEL_NAMES[level] || level || ''
}

/**
 * The place's path from its province down to itself, as [{code, name, level}].
 * The reply's `path` may or may not end with the place itself, and its entries may be objects or
 * bare names; both are accepted.
 */
export function placePath(place) {
  if (!place) return []
  const raw = Array.isArray(place.path) ? place.path : []
  const path = raw
    .map((p) => (typeof p === 'string' ? { code: null, name: p, level: null } : p && { code: p.code ?? null, name: p.name ?? '', level: p.level ?? null }))
    .filter(Boolean)
  const last = path[path.length - 1]
  const endsWithSelf = last && (last.code != null ? String(last.code) === String(place.code) : last.name === place.name)
  if (!endsWithSelf) path.push({ code: place.code, name: place.name, level: place.level })
  return path
}

export function pathText(place) {
  return placePath(place).map((p) => p.name).join(PATH_SEPARATOR)
}

/** `counts` as [{level, label, value}] in tree order, known levels only ({level: n} or [{level, count}]). */
export function placeCounts(counts) {
  if (!counts) return []
  const map = {}
  if (Array.isArray(counts)) {
    for (const c of counts) if (c && c.level) map[c.level] = c.count ?? c.value
  } else if (typeof counts === 'object') {
    Object.assign(map, counts)
  }
  return LEVELS.filter((l) => typeof map[l] === 'number').map((l) => ({ level: l, label: levelName(l), value: map[l] }))
}

/** Whether a place has places under it; `has_children` decides, else `child_count`, else the level. */
export function hasChildren(place) {
  if (typeof place.has_children === 'boolean') return place.has_children
  if (typeof place.child_count === 'number') return place.child_count > 0
  return place.level !== 'building'
}

let rootPromise = null

/** GET /places without q: the provinces (every page) and the national `counts` if the server sends them. */
export function loadRoot() {
  if (!rootPromise) {
    rootPromise = getAll('/places', { limit: 500 }).then(
      ({ items, first }) => ({ items, counts: (first && first.counts) || null }),
      (e) => {
        rootPromise = null
        throw e
      },
    )
  }
  return rootPromise
}

export function loadPlace(code) {
  return api.get(`/places/${encodeURIComponent(code)}`)
}

/** Every child of a place, following next_cursor (the tree needs them all). */
export async function loadAllChildren(code) {
  const { items } = await getAll(`/places/${encodeURIComponent(code)}/children`, { limit: 500 })
  return items
}

/** One page of children for the table. */
export function loadChildrenPage(code, cursor, limit = 100) {
  return api.get(`/places/${encodeURIComponent(code)}/children`, { limit, cursor })
}

export function searchPlaces(q, under, cursor, signal) {
  return api.get('/places', { q, under, limit: 50, cursor }, { signal })
}
