// The one way the console talks to the server: fetch wrapped for JSON in and out, the CSRF header
// on writes, 401 → sign-in page, and {"error":{…}} turned into an ApiError with a Chinese message.
import { ElMessage } from 'element-plus'
import { errorMessage } from './errors.js'

export const API_BASE = '/api/v1'

/** Error thrown for every failed call; `message` is already the Chinese text to show. */
export class ApiError extends Error {
  constructor({ status = 0, code = '', message = '', field = null, serverMessage = '', retryAfter = null }) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.serverMessage = serverMessage
    this.retryAfter = retryAfter // seconds, from Retry-After (429), else null
  }
}

let unauthorizedHandler = null
let csrfFallback = ''

/** Called (once per failing call) when the server says the session is gone; set by the router. */
export function onUnauthorized(fn) {
  unauthorizedHandler = fn
}

/** The login reply's csrf_token, kept in memory only, for when the gz_csrf cookie is unreadable. */
export function rememberCsrfToken(token) {
  csrfFallback = token || ''
}

export function readCookie(name) {
  for (const part of document.cookie ? document.cookie.split(';') : []) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim())
      } catch {
        return part.slice(eq + 1).trim()
      }
    }
  }
  return ''
}

function buildUrl(path, query) {
  let url = API_BASE + path
  if (query) {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      if (value === undefined || value === null || value === '') continue
      params.append(key, String(value))
    }
    const qs = params.toString()
    if (qs) url += (url.includes('?') ? '&' : '?') + qs
  }
  return url
}

/**
 * Calls the API. method: 'GET', 'POST', …; path: below /api/v1, e.g. '/places/42';
 * options.query: object of query parameters (empty values are left out); options.body: sent as
 * JSON; options.redirectOn401: false to handle a 401 yourself (sign-in, session restore).
 * Resolves to the parsed JSON reply (null for an empty one); rejects with ApiError.
 */
export async function request(method, path, { query, body, redirectOn401 = true, signal } = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin', signal }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = readCookie('gz_csrf') || csrfFallback
    if (csrf) headers['X-CSRF-Token'] = csrf
  }

  let response
  try {
    response = await fetch(buildUrl(path, query), init)
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError({ code: 'unavailable', message: `${errorMessage('unavailable')}（网络连接失败）` })
  }

  let data = null
  const text = await response.text()
  if (text) {
    try {
      data = JSON.parse(text)
    } catch {
      data = null
    }
  }

  if (response.ok) return data

  const err = (data && typeof data.error === 'object' && data.error) || {}
  let code = typeof err.code === 'string' ? err.code : ''
  if (!code) {
    if (response.status === 401) code = 'unauthorized'
    else if (response.status === 403) code = 'forbidden'
    else if (response.status === 404) code = 'not_found'
    else if (response.status === 413) code = 'payload_too_large'
    else if (response.status === 429) code = 'too_many_attempts'
    else if (response.status === 502 || response.status === 503 || response.status === 504) code = 'unavailable'
    else if (response.status >= 500 && !err.message) code = 'internal'
  }
  const retry = Number.parseInt(response.headers.get('Retry-After') || '', 10)
  const failure = new ApiError({
    status: response.status,
    retryAfter: Number.isFinite(retry) && retry > 0 ? retry : null,
    code,
    field: err.field || null,
    serverMessage: err.message || '',
    message: errorMessage(code, err.message, err.field, response.status),
  })
  if (response.status === 401 && redirectOn401 && unauthorizedHandler) {
    failure.handled = true
    unauthorizedHandler(failure)
  }
  throw failure
}

export const api = {
  get: (path, query, options = {}) => request('GET', path, { ...options, query }),
  post: (path, body, options = {}) => request('POST', path, { ...options, body }),
  put: (path, body, options = {}) => request('PUT', path, { ...options, body }),
  patch: (path, body, options = {}) => request('PATCH', path, { ...options, body }),
  del: (path, options = {}) => request('DELETE', path, options),
}

/** Shows a failed call to the person; 401s that already sent them to sign in are not repeated. */
export function showError(e) {
  if (!e || e.name === 'AbortError' || e.handled) return
  ElMessage({ type: 'error', message: e.message || '请求失败', grouping: true, showClose: true })
}

/**
 * Reads every page of a list endpoint ({"items","next_cursor"}) and returns all items.
 * maxPages bounds the loop against a server that never ends its cursor.
 */
export async function getAll(path, query = {}, { maxPages = 100, ...options } = {}) {
  const items = []
  let cursor = null
  let first = null
  for (let page = 0; page < maxPages; page++) {
    const reply = await api.get(path, { ...query, cursor }, options)
    if (!first) first = reply
    items.push(...((reply && reply.items) || []))
    cursor = reply && reply.next_cursor
    if (!cursor) break
  }
  return { items, first }
}
