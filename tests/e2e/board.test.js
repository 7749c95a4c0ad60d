// Browser test of the public board (公开栏 · 四议两公开), against a server of tests/e2e/serve.js:
//   - the console (a cadre of 恩施州, GZ_USER): 公开栏 at 高峰村 — publish an entry, correct it (the old
//     row shows 已更正, the new one 更正, the chain stays intact); 四议两公开 from the proposal through
//     every step to the published result (and the board's QR poster), a meeting below its quorum refused with the numbers;
//     公开时限 lists 高峰村's finance as never published;
//   - a phone (390×844, touch, no account): /m/board/<高峰村> shows the entries with time and
//     publisher, the correction notice and its link, the category filter, the chain's status, and
//     fits the screen; an unknown place says so;
//   - a case answered on the board (村情发布会答复 with its case_id, through the API): the console's
//     诉求详情 shows the answer (title, time, link to the public entry), a case without one shows
//     nothing; the resident's /m/track/<code> shows it too and its link opens the entry on the board.
// Pictures: /tmp/gz-e2e-board-console.png, -procedure.png, -phone.png, -case-answer.png, -track-answer.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { api, login } from '../lib/server.js'
import { BASE, GAOFENG, PASSWORD, USER, dialog, openInGaofeng, openPage, requireServer, signIn, text, unique, useBrowser } from './lib.js'

requireServer()
useBrowser()

const tag = unique()
const TITLE = `村务公开 ${tag}`
const PROC = `村道亮化 ${tag}`

test('console: publish and correct on the board, run a 四议两公开 to its published result, see what is late', async () => {
  const { context, page, problems } = await openPage({
    watchApi: true,
    // The review below its quorum is refused on purpose.
    expected: (res) => res.status() === 422 && res.url().includes('/steps'),
  })
  try {
    await signIn(page)
    await openInGaofeng(page, 'board', /\/board$/)
    await page.locator('[data-test="board-chain"][data-intact="true"]').waitFor()

    // 发布公开
    await page.locator('[data-test="board-new"]').click()
    const d = dialog(page, '发布公开')
    await d.waitFor()
    await d.locator('[data-test="board-form-category-village"]').click()
    await d.locator(':is(input[data-test="board-form-title"], [data-test="board-form-title"] input)').fill(TITLE)
    await d.locator(':is(textarea[data-test="board-form-body"], [data-test="board-form-body"] textarea)').fill('一、村道硬化进度\n二、低保评定结果')
    await d.locator(':is(input[data-test="board-form-period"], [data-test="board-form-period"] input)').fill('2025-Q3')
    await d.locator('[data-test="board-save"]').click()
    await d.waitFor({ state: 'hidden' })
    const row = page.locator('[data-test="board-table"] .el-table__row', { hasText: TITLE })
    await row.first().waitFor()
    assert.equal(text(await row.first().locator('[data-test="board-row-category"]').textContent()), '村务公开')
    assert.match(text(await row.first().textContent()), /2025年第三季度/)

    // 更正: a new entry; the old one shows it was corrected.
    await row.first().locator('[data-test="board-correct"]').click()
    const c = dialog(page, '更正')
    await c.waitFor()
    await c.locator(':is(textarea[data-test="board-form-body"], [data-test="board-form-body"] textarea)').fill('一、村道硬化进度\n二、低保评定结果（更正：新增 2 户）')
    await c.locator('[data-test="board-save"]').click()
    assert.match(text(await c.locator('.el-form-item__error').first().textContent()), /更正理由/)
    await c.locator(':is(textarea[data-test="board-form-reason"], [data-test="board-form-reason"] textarea)').fill('漏列新增低保户')
    await c.locator('[data-test="board-save"]').click()
    await c.waitFor({ state: 'hidden' })
    await page.locator('[data-test="board-table"] .el-table__row', { hasText: TITLE }).nth(1).waitFor()
    const rows = page.locator('[data-test="board-table"] .el-table__row', { hasText: TITLE })
    assert.equal(await rows.count(), 2)
    await rows.nth(0).locator('[data-test="board-row-correction"]').waitFor() // newest first: the correction
    await rows.nth(1).locator('[data-test="board-row-corrected"]').waitFor()
    assert.equal(await rows.nth(1).locator('[data-test="board-correct"]').count(), 0) // corrected once only
    await page.locator('[data-test="board-chain"][data-intact="true"]').waitFor()
    await page.screenshot({ path: '/tmp/gz-e2e-board-console.png', fullPage: true })

    // The QR poster for the physical board.
    await page.locator('[data-test="board-poster"]').click()
    const img = page.locator('[data-test="board-poster-img"]')
    await img.waitFor()
    await page.waitForFunction(() => {
      const el = document.querySelector('[data-test="board-poster-img"]')
      return el && el.complete && el.naturalWidth > 0
    })
    await dialog(page, '公开栏二维码').locator('.el-dialog__headerbtn').click()

    // 四议两公开: from the proposal to the published result.
    await page.locator('[data-test="menu-board/procedures"]').click()
    await page.waitForURL(/\/board\/procedures$/)
    await page.locator('[data-test="proc-new"]').click()
    const p = dialog(page, '发起四议两公开事项')
    await p.waitFor()
    await p.locator(':is(input[data-test="proc-form-title"], [data-test="proc-form-title"] input)').fill(PROC)
    await p.locator(':is(textarea[data-test="proc-form-document"], [data-test="proc-form-document"] textarea)').fill('村党支部提议在主干道安装太阳能路灯 40 盏')
    await p.locator('[data-test="proc-form-save"]').click()
    await page.waitForURL(/\/board\/procedures\/\d+$/)
    await page.locator('[data-test="proc-title"]', { hasText: PROC }).waitFor()

    const form = page.locator('[data-test="proc-step-form"]')
    const votes = async (due, present, yes) => {
      await form.locator(':is(input[data-test="proc-vote-due"], [data-test="proc-vote-due"] input)').fill(String(due))
      await form.locator(':is(input[data-test="proc-vote-present"], [data-test="proc-vote-present"] input)').fill(String(present))
      await form.locator(':is(input[data-test="proc-vote-for"], [data-test="proc-vote-for"] input)').fill(String(yes))
      await form.locator(':is(input[data-test="proc-vote-against"], [data-test="proc-vote-against"] input)').fill('0')
      await form.locator(':is(input[data-test="proc-vote-abstain"], [data-test="proc-vote-abstain"] input)').fill('0')
      await form.locator(':is(input[data-test="proc-vote-abstain"], [data-test="proc-vote-abstain"] input)').blur()
    }
    const record = async (doc, expectSteps) => {
      await form.locator(':is(textarea[data-test="proc-step-document"], [data-test="proc-step-document"] textarea)').fill(doc)
      await form.locator('[data-test="proc-step-save"]').click()
      if (expectSteps) await page.locator('[data-test="proc-step"]').nth(expectSteps - 1).waitFor()
    }
    await form.locator('h4', { hasText: '两委商议' }).waitFor()
    await votes(7, 7, 7)
    await record('两委联席会议商议同意', 2)
    await form.locator('h4', { hasText: '党员大会审议' }).waitFor()
    // 25 of 40 party members: below two thirds — refused, nothing recorded.
    await votes(40, 25, 25)
    await record('党员大会审议', 0)
    await page.locator('.el-message--error', { hasText: '到会人数不足' }).waitFor()
    assert.match(text(await page.locator('.el-message--error').last().textContent()), /25 of 40/)
    assert.equal(await page.locator('[data-test="proc-step"]').count(), 2)
    await votes(40, 30, 28)
    await record('党员大会审议通过', 3)
    await form.locator('h4', { hasText: '决议' }).waitFor()
    await votes(33, 28, 25)
    await record('村民代表会议决议安装路灯', 4)
    await form.locator('h4', { hasText: '决议公开' }).waitFor()
    await record('决议：主干道安装太阳能路灯 40 盏，资金由村集体列支', 5)
    await form.locator('h4', { hasText: '实施结果公开' }).waitFor()
    await record('路灯已安装完毕并通过验收', 6)
    await page.locator('[data-test="proc-status"]', { hasText: '已完成' }).waitFor()
    assert.equal(await page.locator('[data-test="proc-step-entry"]').count(), 2)
    assert.equal(await page.locator('[data-test="proc-step-form"]').count(), 0)
    const votesText = text(await page.locator('[data-test="proc-step-votes"]').nth(1).textContent())
    assert.equal(votesText, '应到 40，实到 30；同意 28，反对 0，弃权 0')
    await page.screenshot({ path: '/tmp/gz-e2e-board-procedure.png', fullPage: true })

    // 公开时限: 高峰村 has never published its finance.
    await page.locator('[data-test="menu-board/schedule"]').click()
    await page.waitForURL(/\/board\/schedule$/)
    const late = page.locator('[data-test="schedule-table"] .el-table__row', { hasText: '高峰村民委员会' })
    await late.first().waitFor()
    const lines = (await late.allTextContents()).map(text)
    assert.ok(lines.some((l) => l.includes('财务收支') && l.includes('从未公开')), lines.join(' | '))
    assert.ok(!lines.some((l) => l.includes('村务一般事项')), 'published today: general items are not late')
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('phone: the public board without signing in', async () => {
  const { context, page, problems } = await openPage({
    viewport: { width: 390, height: 844 },
    context: { deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'America/New_York' },
    watchApi: true,
    noAuth: true,
    expected: (res) => res.status() === 404 && res.url().includes('/public/board/999999999999'),
  })
  try {
    await page.goto(`${BASE}/m/board/${GAOFENG}`)
    await page.locator('[data-test="m-title"]', { hasText: '高峰村民委员会 公开栏' }).waitFor()
    assert.match(text(await page.locator('[data-test="m-board-path"]').textContent()), /利川市 › 文斗镇/)
    const entries = page.locator('[data-test="m-board-entry"]', { hasText: TITLE })
    await entries.first().waitFor()
    assert.equal(await entries.count(), 2)
    // Newest first: the correction, naming what it corrects and why; then the corrected one.
    assert.match(text(await entries.nth(0).locator('[data-test="m-entry-corrects"]').textContent()), /漏列新增低保户/)
    await entries.nth(1).locator('[data-test="m-entry-corrected"]').waitFor()
    assert.match(text(await entries.nth(1).locator('[data-test="m-entry-time"]').textContent()), /^\d{4}\/\d\d\/\d\d \d\d:\d\d 发布$/)
    assert.ok(text(await entries.nth(1).locator('[data-test="m-entry-publisher"]').textContent()).length > 0)
    await entries.nth(1).locator('[data-test="m-entry-goto-correction"]').click()
    await page.locator('[data-test="m-board-entry"].is-flash', { hasText: '漏列新增低保户' }).waitFor()
    // The 四议两公开 entries of the console test are on the board.
    await page.locator('[data-test="m-board-cat-procedure"]').click()
    await page.locator('[data-test="m-board-entry"]', { hasText: `【实施结果公开】${PROC}` }).waitFor()
    // The entry was on the unfiltered list too: wait for the filtered list to replace it.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-test="m-entry-category"]')].every((x) => x.textContent.trim() === '四议两公开'), null, { timeout: 10000 }).catch(() => {})
    const cats = await page.locator('[data-test="m-entry-category"]').allTextContents()
    assert.ok(cats.length >= 2 && cats.every((c) => text(c) === '四议两公开'), cats.join(','))
    // The chain's status at the foot.
    assert.match(text(await page.locator('[data-test="m-board-chain"]').textContent()), /记录链完整；末条校验码 [0-9a-f]{8}…[0-9a-f]{8}/)
    // It fits the phone; no console chrome.
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }))
    assert.ok(scrollWidth <= innerWidth, `page is ${scrollWidth}px wide on a ${innerWidth}px screen`)
    assert.equal(await page.locator('.el-aside, .el-header, [data-test="user-name"]').count(), 0)
    await page.screenshot({ path: '/tmp/gz-e2e-board-phone.png', fullPage: true })
    await page.goto(`${BASE}/m/board/999999999999`)
    await page.locator('[data-test="m-board-error"]', { hasText: '没有找到' }).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a case shows the board\'s answer: the console\'s 诉求详情 and the resident\'s tracking page', async () => {
  const token = await login(BASE, USER, PASSWORD)
  const staff = async (method, path, body) => {
    const r = await api(BASE, method, `/api/v1${path}`, { token, body })
    if (r.status >= 400) throw new Error(`${method} ${path}: HTTP ${r.status} ${r.text}`)
    return r.body
  }
  const question = { place_code: GAOFENG, channel: 'briefing', type: 'suggestion', content: '村情发布会上未及时解答的问题' }
  const asked = await staff('POST', '/cases', { ...question, title: `村口路灯 ${tag}` })
  const unanswered = await staff('POST', '/cases', { ...question, title: `垃圾清运 ${tag}` })
  const answer = await staff('POST', '/board/entries', {
    place_code: GAOFENG, category: 'briefing', title: `答复：村口路灯 ${tag}`, body: '村口路灯将于本月底前安装完毕。', case_id: asked.id,
  })
  // The publication time in Beijing (the phone's clock is in New York): 2025/01/15 14:30 on the
  // console, 2025-01-15 14:30 on the phone.
  const f = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  })
  const bj = Object.fromEntries(f.formatToParts(new Date(answer.published_at)).map((x) => [x.type, x.value]))
  const hm = `${bj.hour}:${bj.minute}`

  const { context, page, problems } = await openPage({ watchApi: true })
  try {
    await signIn(page)
    await page.goto(`${BASE}/cases/${asked.id}`)
    const row = page.locator('[data-test="case-answer"]', { hasText: `答复：村口路灯 ${tag}` })
    await row.waitFor()
    assert.equal(await page.locator('[data-test="case-answer"]').count(), 1)
    assert.equal(text(await row.locator('[data-test="case-answer-time"]').textContent()), `${bj.year}/${bj.month}/${bj.day} ${hm}`)
    assert.equal(await row.locator('[data-test="case-answer-link"]').getAttribute('href'), `/m/board/${GAOFENG}?entry=${answer.id}`)
    assert.match(text(await page.locator('[data-test="case-answers"]').textContent()), /公开栏答复.*村口路灯将于本月底前安装完毕/)
    await page.screenshot({ path: '/tmp/gz-e2e-board-case-answer.png', fullPage: true })
    // A case the board has not answered: no such section.
    await page.goto(`${BASE}/cases/${unanswered.id}`)
    await page.locator('[data-test="case-title"]', { hasText: `垃圾清运 ${tag}` }).waitFor()
    await page.waitForLoadState('networkidle')
    assert.equal(await page.locator('[data-test="case-answers"]').count(), 0)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }

  const phone = await openPage({
    viewport: { width: 390, height: 844 },
    context: { deviceScaleFactor: 2, isMobile: true, hasTouch: true, timezoneId: 'America/New_York' },
    watchApi: true,
    noAuth: true,
  })
  try {
    const p = phone.page
    await p.goto(`${BASE}/m/track/${asked.tracking_code}`)
    const item = p.locator('[data-test="m-answer"]', { hasText: `答复：村口路灯 ${tag}` })
    await item.waitFor()
    assert.equal(text(await item.locator('[data-test="m-answer-time"]').textContent()), `${bj.year}-${bj.month}-${bj.day} ${hm}`)
    await p.screenshot({ path: '/tmp/gz-e2e-board-track-answer.png', fullPage: true })
    await item.locator('[data-test="m-answer-link"]').tap()
    await p.waitForURL(`${BASE}/m/board/${GAOFENG}?entry=${answer.id}`)
    await p.locator(`[data-test="m-board-entry"].is-flash[data-id="${answer.id}"]`, { hasText: '村口路灯将于本月底前安装完毕' }).waitFor()
    // The unanswered case's tracking page has no 公开栏答复.
    await p.goto(`${BASE}/m/track/${unanswered.tracking_code}`)
    await p.locator('[data-test="m-case-title"]', { hasText: `垃圾清运 ${tag}` }).waitFor()
    await p.waitForLoadState('networkidle')
    assert.equal(await p.locator('[data-test="m-answers"]').count(), 0)
    assert.deepEqual(phone.problems, [])
  } finally {
    await phone.context.close()
  }
})
