// Browser test of the residents' phone pages (扫码自助 · 进度查询), on a phone-sized window
// (390×844, touch) with no account:
//   - /m/report/<高峰村>: the place and its path, the form's Chinese checks (标题, 手机号), a case
//     reported with two photos — a tiny PNG, and one over 2 MiB that the page redraws as a JPEG
//     under the limit — and the 查询码 with the 反馈期限 in Beijing time (the phone itself is set to
//     New York time);
//   - /m/track/<code>: 待分流; then staff triage it as 小事 and resolve it through the API, and the
//     resident sees 已解决 with the note, rates 满意 and sees 已办结; the code is remembered on the
//     phone, and an unknown code says 查询码不存在;
//   - 不满意 the first time reopens the case (已重新办理, 办理中);
//   - a 429 from the server shows the wait in Chinese; a place that does not exist says so; the
//     form fits 375 and 414 px wide too;
//   - what a phone downloads: each phone page (m.html, Vant) loads no chunk of the console (no
//     Element Plus, no ECharts, not the console's entry); the JS and CSS bytes are printed.
// The staff side uses GZ_USER (a cadre whose scope holds 高峰村民委员会; tests/e2e/serve.js makes one).
//   GZ_BASE_URL=http://127.0.0.1:8080 GZ_USER=… GZ_PASSWORD=… node --test tests/e2e/cases-phone.test.js
// Pictures: /tmp/gz-e2e-phone-report.png, -done.png, -track.png, -rated.png.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { api, login } from '../lib/server.js'
import { BASE, GAOFENG, PASSWORD, USER, openPage, requireServer, text, unique, useBrowser } from './lib.js'

requireServer()

const WIDTH = 390
// A valid 1×1 PNG.
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)
const MAX_PHOTO = 2 * 1024 * 1024

let token

useBrowser()
before(async () => {
  token = await login(BASE, USER, PASSWORD)
})

/**
 * A phone: 390×844, touch, no cookies, the clock in New York (the pages must show Beijing time
 * anyway). `allowed(res)` lets a test expect some refusals; any other API reply ≥ 400, a request
 * off the server, a page error, or a call to the sign-in API is a problem.
 */
function openPhone({ allowed = () => false } = {}) {
  return openPage({
    viewport: { width: WIDTH, height: 844 },
    context: {
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      timezoneId: 'America/New_York',
      userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
    },
    allowBlob: 'any',
    watchApi: true,
    noAuth: true,
    expected: allowed,
  })
}

/** The page fits the phone: nothing wider than the screen, no console sidebar or header. */
async function assertPhoneLayout(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  }))
  assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide on a ${innerWidth}px screen`)
  assert.equal(await page.locator('.el-aside, .el-header, [data-test="user-name"]').count(), 0, 'console chrome on a phone page')
}

/** Staff API call with the cadre's token; throws on a refusal. */
async function staff(method, path, body) {
  const r = await api(BASE, method, `/api/v1${path}`, { token, body })
  if (r.status >= 400) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.text}`)
  return r.body
}

/** The staff's case for a tracking code, found by its title (GET /cases?q=). */
async function caseByTracking(title, tracking) {
  const reply = await staff('GET', `/cases?q=${encodeURIComponent(title)}&limit=50`)
  const row = (reply.items || []).find((c) => c.tracking_code === tracking)
  assert.ok(row, `case ${tracking} not found by its title「${title}」`)
  return staff('GET', `/cases/${row.id}`)
}

/** Triage as 小事 and resolve (社区自行解决) with `note`, as staff do on the console. */
async function triageAndResolve(id, note) {
  const triaged = await staff('POST', `/cases/${id}/actions`, { action: 'triage', kind: 'minor' })
  assert.equal(triaged.status, 'handling')
  const resolved = await staff('POST', `/cases/${id}/actions`, { action: 'resolve', resolution: 'community', note })
  assert.equal(resolved.status, 'resolved')
}

/** `YYYY年MM月DD日` and `HH:MM` of an instant in Beijing. */
function beijing(iso) {
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  })
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]))
  return { day: `${p.year}年${p.month}月${p.day}日`, time: `${p.hour}:${p.minute}`, short: `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` }
}

/** A PNG over 2 MiB (random pixels do not compress), drawn by the browser itself. */
async function bigPng(page) {
  const b64 = await page.evaluate(async () => {
    const c = document.createElement('canvas')
    c.width = 1500
    c.height = 1100
    const ctx = c.getContext('2d')
    const img = ctx.createImageData(c.width, c.height)
    for (let i = 0; i < img.data.length; i += 4) {
      img.data[i] = Math.random() * 256
      img.data[i + 1] = Math.random() * 256
      img.data[i + 2] = Math.random() * 256
      img.data[i + 3] = 255
    }
    ctx.putImageData(img, 0, 0)
    const blob = await new Promise((ok) => c.toBlob(ok, 'image/png'))
    const bytes = new Uint8Array(await blob.arrayBuffer())
    let s = ''
    for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return btoa(s)
  })
  const buf = Buffer.from(b64, 'base64')
  assert.ok(buf.length > MAX_PHOTO, `the big photo is only ${buf.length} bytes`)
  return buf
}

/** The status the resident sees on the tracking page. */
const statusOf = async (page) => text(await page.locator('[data-test="m-status"]').textContent())

/** Text in a chunk that only the console's libraries hold (Element Plus's JS and CSS, ECharts). */
const CONSOLE_MARKERS = [['Element Plus', 'ElButton'], ['Element Plus CSS', '--el-color-primary'], ['ECharts', 'zrender']]

/** The console's own entry script and stylesheet, as index.html names them (not the shared Vue chunk). */
async function consoleEntry() {
  const html = await (await fetch(`${BASE}/`)).text()
  const js = html.match(/<script[^>]+src="([^"]+\.js)"/)
  const css = html.match(/<link rel="stylesheet"[^>]+href="([^"]+\.css)"/)
  assert.ok(js && css, 'index.html names its script and stylesheet')
  return [js[1], css[1]]
}

test('a phone page loads only what a phone needs: no Element Plus, no ECharts, not the console', async (t) => {
  const consoleFiles = await consoleEntry()
  const pages = [
    [`/m/report/${GAOFENG}`, '[data-test="m-place"]'],
    ['/m/track', '[data-test="m-title"]'],
    [`/m/board/${GAOFENG}`, '[data-test="m-title"]'],
  ]
  for (const [path, ready] of pages) {
    const { context, page, problems } = await openPhone()
    const bodies = []
    page.on('response', (res) => {
      const url = new URL(res.url())
      if (res.request().method() === 'GET' && /\.(js|css)$/.test(url.pathname)) bodies.push(res.body().then((b) => ({ path: url.pathname, body: b })))
    })
    try {
      await page.goto(`${BASE}${path}`, { waitUntil: 'networkidle' })
      await page.locator(ready).first().waitFor()
      await assertPhoneLayout(page)
      const files = await Promise.all(bodies)
      assert.ok(files.some((f) => f.path.endsWith('.js')) && files.some((f) => f.path.endsWith('.css')), `${path}: no script or stylesheet loaded`)
      const sum = { js: [0, 0], css: [0, 0] }
      for (const f of files) {
        assert.ok(!consoleFiles.includes(f.path), `${path} loaded the console's ${f.path}`)
        const text = f.body.toString('utf8')
        for (const [what, marker] of CONSOLE_MARKERS) assert.ok(!text.includes(marker), `${path} loaded ${what} (${f.path})`)
        const kind = f.path.endsWith('.js') ? 'js' : 'css'
        sum[kind][0] += f.body.length
        sum[kind][1] += gzipSync(f.body).length
      }
      const kB = (n) => `${(n / 1000).toFixed(1)} kB`
      t.diagnostic(`${path}: ${files.length} files; JS ${kB(sum.js[0])} (gzip ${kB(sum.js[1])}), CSS ${kB(sum.css[0])} (gzip ${kB(sum.css[1])}), ` +
        `total ${kB(sum.js[0] + sum.css[0])} (gzip ${kB(sum.js[1] + sum.css[1])})`)
      assert.deepEqual(problems, [])
    } finally {
      await context.close()
    }
  }
})

test('a resident reports by QR with photos, follows the case, and rates it 满意', async () => {
  const { context, page, problems } = await openPhone({
    // The unknown code looked up at the end.
    allowed: (res) => res.status() === 404 && res.url().includes('/public/cases/NOSUCHCODE'),
  })
  const suffix = unique(5)
  const title = `路灯不亮${suffix}`
  try {
    // The poster's page: the place and where it is.
    await page.goto(`${BASE}/m/report/${GAOFENG}`)
    await page.locator('[data-test="m-place"]', { hasText: '高峰村民委员会' }).waitFor()
    const path = text(await page.locator('[data-test="m-place-path"]').textContent())
    for (const name of ['湖北省', '恩施土家族苗族自治州', '利川市', '文斗镇']) assert.ok(path.includes(name), `path「${path}」lacks ${name}`)
    assert.equal(text(await page.locator('[data-test="m-title"]').textContent()), '我要反映')
    await assertPhoneLayout(page)

    // Nothing filled in: Chinese messages under the fields, nothing sent.
    await page.locator('[data-test="m-submit"]').tap()
    await page.locator('[data-test="m-title-input"]', { hasText: '请填写标题' }).waitFor()
    await page.locator('[data-test="m-content-input"]', { hasText: '请填写详细描述' }).waitFor()

    await page.locator('[data-test="m-type-suggestion"]').tap()
    await page.locator('[data-test="m-type-problem"]').tap()
    assert.equal(await page.locator('[data-test="m-type-problem"]').getAttribute('aria-checked'), 'true')
    await page.locator('[data-test="m-title-input"] input').fill(title)
    await page.locator('[data-test="m-content-input"] textarea').fill('文斗镇高峰村三组路口的路灯坏了一个多星期，晚上路过很危险。')
    await page.locator('[data-test="m-name-input"] input').fill('王女士')
    await page.locator('[data-test="m-phone-input"] input').fill('1380013')
    await page.locator('[data-test="m-submit"]').tap()
    await page.locator('[data-test="m-phone-input"]', { hasText: '请输入正确的 11 位手机号' }).waitFor()
    await page.locator('[data-test="m-phone-input"] input').fill('13800138000')

    // Two photos: a tiny PNG as it is, and a big one the page shrinks to a JPEG.
    const big = await bigPng(page)
    await page.locator('[data-test="m-photos"] input[type="file"]').setInputFiles([
      { name: 'tiny.png', mimeType: 'image/png', buffer: TINY_PNG },
      { name: 'big.png', mimeType: 'image/png', buffer: big },
    ])
    await page.locator('[data-test="m-photos"] .van-uploader__preview').nth(1).waitFor()
    assert.equal(await page.locator('[data-test="m-photos"] .van-uploader__preview').count(), 2)
    await page.screenshot({ path: '/tmp/gz-e2e-phone-report.png', fullPage: true })

    const uploads = []
    page.on('request', (req) => {
      if (req.method() === 'POST' && /\/public\/cases\/[^/]+\/files$/.test(req.url())) {
        uploads.push({ type: req.headers()['content-type'] })
      }
    })
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/public/cases'))
    await page.locator('[data-test="m-submit"]').tap()
    const reply = await (await created).json()
    assert.equal(reply.place_name, '高峰村民委员会')

    // The 查询码, big, and the 反馈期限 in Beijing time.
    const code = text(await page.locator('[data-test="m-tracking"]').textContent())
    assert.equal(code, reply.tracking_code)
    assert.equal(await page.locator('[data-test="m-photos-failed"]').count(), 0, 'a photo failed to upload')
    const due = text(await page.locator('[data-test="m-due"]').textContent())
    const want = beijing(reply.due_at)
    assert.ok(due.includes(want.day) && due.includes(want.time), `反馈期限「${due}」is not ${want.day} ${want.time}`)
    const days = (Date.parse(reply.due_at) - Date.now()) / 86400e3
    assert.ok(days > 6.9 && days <= 7.01, `due in ${days} days, not a week`)
    assert.deepEqual(uploads.map((u) => u.type).sort(), ['image/jpeg', 'image/png'])
    const remembered = await page.evaluate(() => JSON.parse(localStorage.getItem('gz_cases_recent') || '[]'))
    assert.equal(remembered[0] && remembered[0].code, code)
    await assertPhoneLayout(page)
    await page.screenshot({ path: '/tmp/gz-e2e-phone-done.png', fullPage: true })

    // Following it: 待分流, what was written, the two photos.
    await page.locator('[data-test="m-follow"]').tap()
    await page.waitForURL((url) => url.pathname === `/m/track/${code}`)
    await page.locator('[data-test="m-status"]', { hasText: '待分流' }).waitFor()
    assert.equal(text(await page.locator('[data-test="m-case-title"]').textContent()), title)
    assert.ok(text(await page.locator('[data-test="m-case-content"]').textContent()).includes('路灯坏了'))
    assert.ok(text(await page.locator('[data-test="m-kind"]').textContent()).includes('待分流'))
    assert.equal(await page.locator('[data-test="m-evaluate"]').count(), 0)
    const photos = page.locator('[data-test="m-case-photos"] img')
    assert.equal(await photos.count(), 2)
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test="m-case-photos"] img')].every((i) => i.complete && i.naturalWidth > 0))
    await assertPhoneLayout(page)
    await page.screenshot({ path: '/tmp/gz-e2e-phone-track.png', fullPage: true })

    // Staff: the case came in by QR with both photos; triaged as 小事 and resolved.
    const full = await caseByTracking(title, code)
    assert.equal(full.channel, 'qr')
    assert.equal(full.status, 'submitted')
    assert.equal(full.reporter_name, '王女士')
    assert.deepEqual(full.files.map((f) => f.mime).sort(), ['image/jpeg', 'image/png'])
    const png = full.files.find((f) => f.mime === 'image/png')
    assert.equal(png.size, TINY_PNG.length, 'the small photo was not sent as it is')
    const jpeg = full.files.find((f) => f.mime === 'image/jpeg')
    assert.ok(jpeg.size > 0 && jpeg.size <= MAX_PHOTO, `the redrawn photo is ${jpeg.size} bytes`)
    await triageAndResolve(full.id, '已修好')

    // The resident sees it resolved, with the note, and rates it.
    await page.reload()
    await page.locator('[data-test="m-status"]', { hasText: '已解决' }).waitFor()
    assert.ok(text(await page.locator('[data-test="m-kind"]').textContent()).includes('小事'))
    assert.ok(text(await page.locator('[data-test="m-resolution"]').textContent()).includes('社区自行解决'))
    const history = text(await page.locator('[data-test="m-history"]').textContent())
    assert.ok(history.includes('已修好'), `history「${history}」lacks the note`)
    assert.ok(!history.includes(USER), 'staff names on the public page')
    // Newest first: the resolution on top.
    assert.ok(text(await page.locator('[data-test="m-event"]').first().textContent()).includes('已修好'))
    await page.locator('[data-test="m-rate-satisfied"]').tap()
    await page.locator('[data-test="m-opinion"] textarea').fill('修得很快，谢谢！')
    await page.locator('[data-test="m-rate-submit"]').tap()
    await page.locator('[data-test="m-status"]', { hasText: '已办结' }).waitFor()
    assert.ok(text(await page.locator('[data-test="m-outcome"]').textContent()).includes('感谢您的评价'))
    assert.ok(text(await page.locator('[data-test="m-rating"]').textContent()).includes('满意'))
    assert.equal(await page.locator('[data-test="m-evaluate"]').count(), 0)
    await assertPhoneLayout(page)
    await page.screenshot({ path: '/tmp/gz-e2e-phone-rated.png', fullPage: true })
    const closed = await staff('GET', `/cases/${full.id}`)
    assert.equal(closed.status, 'closed')
    assert.equal(closed.rating, 'satisfied')

    // Later: the code is listed on this phone; an unknown code is refused in Chinese.
    await page.goto(`${BASE}/m/track`)
    await page.locator(`[data-test="m-recent-${code}"]`).waitFor()
    await page.locator('[data-test="m-track-input"] input').fill('NOSUCHCODE')
    await page.locator('[data-test="m-track-go"]').tap()
    await page.locator('[data-test="m-track-error"]', { hasText: '查询码不存在' }).waitFor()
    await page.locator(`[data-test="m-recent-${code}"]`).tap()
    await page.locator('[data-test="m-status"]', { hasText: '已办结' }).waitFor()

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('不满意 the first time reopens the case: 已重新办理', async () => {
  const { context, page, problems } = await openPhone()
  const suffix = unique(5)
  const title = `垃圾清运不及时${suffix}`
  try {
    // Reported straight through the public API (the form is tested above).
    const r = await api(BASE, 'POST', '/api/v1/public/cases', {
      body: { place_code: GAOFENG, title, content: '三组垃圾点三天没有清运。', type: 'problem' },
    })
    assert.equal(r.status, 201, r.text)
    const code = r.body.tracking_code
    const full = await caseByTracking(title, code)
    await triageAndResolve(full.id, '已安排清运车每天一次')

    await page.goto(`${BASE}/m/track/${code}`)
    await page.locator('[data-test="m-status"]', { hasText: '已解决' }).waitFor()
    await page.locator('[data-test="m-rate-unsatisfied"]').tap()
    await page.locator('[data-test="m-opinion"] textarea').fill('还是经常不来')
    await page.locator('[data-test="m-rate-submit"]').tap()
    await page.locator('[data-test="m-outcome"]', { hasText: '已重新办理' }).waitFor()
    assert.equal(await statusOf(page), '办理中')
    assert.equal(await page.locator('[data-test="m-evaluate"]').count(), 0)
    const reopened = await staff('GET', `/cases/${full.id}`)
    assert.equal(reopened.status, 'handling')
    assert.equal(reopened.reopened, true)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('too many submissions and an unknown place are told in Chinese', async () => {
  const { context, page, problems } = await openPhone({
    allowed: (res) => (res.status() === 404 && res.url().includes('/public/places/')) ||
      (res.status() === 429 && res.url().endsWith('/public/cases')),
  })
  try {
    // The server's limit is not worn out here: the 429 is played by the browser.
    await page.route('**/api/v1/public/cases', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
          status: 429,
          headers: { 'Content-Type': 'application/json', 'Retry-After': '120' },
          body: JSON.stringify({ error: { code: 'too_many_attempts', message: 'too many submissions' } }),
        })
        : route.continue(),
    )
    await page.goto(`${BASE}/m/report/${GAOFENG}`)
    await page.locator('[data-test="m-place"]', { hasText: '高峰村民委员会' }).waitFor()
    // The narrowest and widest phones it is made for.
    for (const width of [375, 414]) {
      await page.setViewportSize({ width, height: 800 })
      await assertPhoneLayout(page)
    }
    await page.locator('[data-test="m-title-input"] input').fill('测试频率限制')
    await page.locator('[data-test="m-content-input"] textarea').fill('测试')
    await page.locator('[data-test="m-submit"]').tap()
    const msg = text(await page.locator('[data-test="m-submit-error"]').textContent())
    assert.ok(msg.includes('2 分钟'), `429 message「${msg}」`)
    assert.equal(await page.locator('[data-test="m-tracking"]').count(), 0)

    await page.goto(`${BASE}/m/report/999999999999`)
    await page.locator('[data-test="m-place-error"]', { hasText: '没有找到这个地点' }).waitFor()
    assert.equal(await page.locator('[data-test="m-form"]').count(), 0)
    // A township does not take cases itself (its villages do).
    await page.goto(`${BASE}/m/report/422802107`)
    await page.locator('[data-test="m-place-error"]', { hasText: '「文斗镇」不直接受理诉求' }).waitFor()
    assert.equal(await page.locator('[data-test="m-form"]').count(), 0)
    // A truncated link lands on 进度查询, not on the console's sign-in.
    await page.goto(`${BASE}/m/report`)
    await page.waitForURL((url) => url.pathname === '/m/track')
    await page.locator('[data-test="m-track-input"]').waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
