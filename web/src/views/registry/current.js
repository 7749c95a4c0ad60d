// The place the registry pages (网格管理, 住户档案, 走访提醒, 居民查询) work in, shared between them so that a
// village chosen on one page is still chosen on the next. It starts at the signed-in user's scope
// (nothing for the national scope: the person chooses a province first).
//
//   current.place  {code, name, level, names:[…]} or null; names is the path from the user's scope
//   current.codes  the picker's value: codes from the user's scope place down to current.place
import { reactive } from 'vue'
import { session } from '../../session.js'
import { loadPlace } from '../../places.js'
import { showError } from '../../api.js'

export const current = reactive({
  place: null,
  codes: [],
  owner: null, // the user (id or name) this choice belongs to: a new sign-in starts afresh
})

/** The user's scope code ('' for the national scope). */
export function scopeCode() {
  const u = session.user
  return u && u.scope ? String(u.scope) : ''
}

function ownerOf(user) {
  return user ? `${user.id ?? ''}:${user.username ?? ''}` : null
}

let pending = null

/** Makes sure the store belongs to the signed-in user; the first time, starts at the user's scope. */
export function ensureCurrent() {
  const owner = ownerOf(session.user)
  if (current.owner === owner) return pending || Promise.resolve(current.place)
  current.owner = owner
  current.place = null
  current.codes = []
  const scope = scopeCode()
  if (!scope) return Promise.resolve(null)
  const fallbackName = (session.user && session.user.scope_name) || scope
  current.place = { code: scope, name: fallbackName, level: null, names: [fallbackName] }
  current.codes = [scope]
  pending = loadPlace(scope)
    .then((p) => {
      if (current.owner === owner && current.codes.length === 1 && current.codes[0] === scope) {
        current.place = { code: p.code, name: p.name, level: p.level, names: [p.name] }
      }
      return current.place
    })
    .catch((e) => {
      showError(e)
      return current.place
    })
    .finally(() => {
      pending = null
    })
  return pending
}

/** Sets the chosen place: codes from the user's scope down to it, and its node data. */
export function setCurrent(codes, place, names) {
  current.codes = codes.slice()
  current.place = place ? { code: place.code, name: place.name, level: place.level, names: names || [place.name] } : null
}

