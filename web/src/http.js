// The one way the pages talk to the server: fetch wrapped for JSON in and out, the CSRF header
// on writes, 401 → the handler the console's router sets, and {"error":{…}} turned into an
// ApiError with a Chinese message. No UI library here: the residents' phone pages (m.html, Vant)
// use it as it is; the console imports it through api.js, which adds showError (Element Plus).
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

/** The CSRF token for a write: the gz_csrf cookie, else the one the login reply gave. */
export function csrfToken() {
  return readCookie('gz_csrf') || csrfFallback
}

async function send(url, init) {
  try {
    return await fetch(url, init)
  } catch (e) {
    if (e && e.name === 'AbortError') throw e
    throw new ApiError({ code: 'unavailable', message: `${errorMessage('unavailable')}（网络连接失败）` })
  }
}

function parseJson(text) {
  if (!text) return null
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** The ApiError for a failed reply (`data`: its parsed body or null); a 401 goes to sign in. */
function failureOf(response, data, redirectOn401) {
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
  return failure
}

/**
 * Calls the API. method: 'GET', 'POST', …; path: below /api/v1, e.g. '/places/42';
 * options.query: object of query parameters (empty values are left out); options.body: sent as
 * JSON; options.raw: a Blob or File sent as the body as it is (a spreadsheet to import);
 * options.redirectOn401: false to handle a 401 yourself (sign-in, session restore).
 * Resolves to the parsed JSON reply (null for an empty one); rejects with ApiError.
 */
export async function request(method, path, { query, body, raw, redirectOn401 = true, signal } = {}) {
  const headers = { Accept: 'application/json' }
  const init = { method, headers, credentials: 'same-origin', signal }
  if (raw !== undefined) {
    headers['Content-Type'] = (raw && raw.type) || 'application/octet-stream'
    init.body = raw
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const csrf = csrfToken()
    if (csrf) headers['X-CSRF-Token'] = csrf
  }

  const response = await send(buildUrl(path, query), init)
  const data = parseJson(await response.text())
  if (response.ok) return data
  throw failureOf(response, data, redirectOn401)
}

/** The file name a reply offers (Content-Disposition: filename*=UTF-8''…, else filename="…"). */
function fileNameOf(response, fallback) {
  const cd = response.headers.get('Content-Disposition') || ''
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(cd)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(cd)
  return (plain && plain[1]) || fallback
}

/**
 * Downloads a file the API sends (a template, an export): fetched with the session cookie, saved
 * under the name the server gives (or `fallbackName`). A refusal rejects with ApiError like any
 * call, instead of saving the error as a file. Resolves to the file name.
 */
export async function download(path, query, { fallbackName = 'download', signal } = {}) {
  const response = await send(buildUrl(path, query), { method: 'GET', credentials: 'same-origin', signal })
  if (!response.ok) throw failureOf(response, parseJson(await response.text()), true)
  const blob = await response.blob()
  const name = fileNameOf(response, fallbackName)
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
  return name
}

export const api = {
  get: (path, query, options = {}) => request('GET', path, { ...options, query }),
  post: (path, body, options = {}) => request('POST', path, { ...options, body }),
  put: (path, body, options = {}) => request('PUT', path, { ...options, body }),
  patch: (path, body, options = {}) => request('PATCH', path, { ...options, body }),
  del: (path, options = {}) => request('DELETE', path, options),
  /** POSTs a file as the raw request body (with the CSRF header), e.g. a spreadsheet to import. */
  upload: (path, query, file, options = {}) => request('POST', path, { ...options, query, raw: file }),
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
