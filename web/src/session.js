// Who is signed in. The session itself lives in the HttpOnly gz_session cookie set by the server;
// the console only keeps the user record in memory and restores it with GET /auth/me.
import { reactive } from 'vue'
import { api, rememberCsrfToken } from './http.js'

export const ROLE_NAMES = Object.freeze({
  admin: '系统管理员',
  official: '政府工作人员',
  cadre: '村（社区）干部',
  supervisor: '监督委员会成员',
  grid_worker: '网格员',
  spokesperson: '社区发言人',
  department: '职能部门',
  resident: '居民',
})

export function roleName(role) {
  return ROLE_NAMES[role] || role || ''
}

export const session = reactive({
  user: null, // {id, username, role, scope, scope_name}
  restored: false,
})

let restoring = null

/** Asks the server once per page load who the cookie belongs to; resolves to the user or null. */
export function restoreSession() {
  if (session.restored) return Promise.resolve(session.user)
  if (!restoring) {
    restoring = api
      .get('/auth/me', undefined, { redirectOn401: false })
      .then((reply) => {
        session.user = (reply && reply.user) || null
      })
      .catch(() => {
        session.user = null
      })
      .finally(() => {
        session.restored = true
        restoring = null
      })
      .then(() => session.user)
  }
  return restoring
}

export async function signIn(username, password) {
  const reply = await api.post('/auth/login', { username, password }, { redirectOn401: false })
  rememberCsrfToken(reply && reply.csrf_token)
  session.user = (reply && reply.user) || null
  session.restored = true
  return session.user
}

/** Ends the session on the server; the local state is cleared whatever the server answers. */
export async function signOut() {
  try {
    await api.post('/auth/logout', undefined, { redirectOn401: false })
  } finally {
    forgetSession()
  }
}

export function forgetSession() {
  session.user = null
  session.restored = true
  rememberCsrfToken('')
}

export function hasRole(roles) {
  return !roles || roles.length === 0 || (session.user && roles.includes(session.user.role))
}
