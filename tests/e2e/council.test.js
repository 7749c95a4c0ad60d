// Browser tests of deliberation (议事协商):
//   - console: a 村民代表会议 at 高峰村 from agenda to resolution — the meeting created in the dialog,
//     an agenda item by title and one from a case of the problem list, 确定议程, 开始会议, a clerk
//     checking representatives in, a show-of-hands vote, the resolution refused with the quorum's
//     numbers (1 of 3 members) and accepted once two thirds are present, the minutes, 结束会议; the
//     case's page shows the meeting;
//   - console: a passed resolution becomes work — a case created from it in the dialog, the
//     resolution and then its implementation result published to the board, the case's page
//     showing the resolution, the phone board showing it without an account;
//   - phone (390×844, touch): a resident opens the meeting's QR link, signs in on the page, checks
//     in a member of their household, casts a secret ballot once (the second is not offered), and
//     sees the result only after the clerk closes the vote;
//   - console: an election — the voter list from the registry, two candidates nominated, and the
//     list's publication refused 19 days before election day with the reason (Art. 14);
//   - console: a recall on 代表名册 — the petition and the tellers' count, the member leaving the register;
//   - console: a selection of projects — a reviewer scores two applications, closes it, the higher
//     mean is chosen.
// Needs GZ_DATA_DIR (the server's data directory: a resident account is linked to its household
// with the CLI) besides the usual server settings; tests/e2e/serve.js gives them all.
//   node tests/e2e/serve.js council
// Pictures: /tmp/gz-e2e-council-meeting.png, /tmp/gz-e2e-council-phone.png.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { BIN, api, login } from '../lib/server.js'
import { BASE, GAOFENG, GAOFENG_CHAIN, PASSWORD, USER, apiCall, choose, openPage, pickPlace, requireServer, signIn, text, unique, useBrowser } from './lib.js'

const DATA = process.env.GZ_DATA_DIR || ''
requireServer({ GZ_DATA_DIR: DATA })
useBrowser()

let token
before(async () => {
  token = await login(BASE, USER, PASSWORD)
})
const call = async (method, path, body) => {
  const r = await api(BASE, method, '/api/v1' + path, { token, body })
  if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${r.text}`)
  return r.body
}

/** A grid of 高峰村 with households, each a list of adult names: [{id, people:[{id,name}]}]. */
async function village(households) {
  const grid = (await call('POST', '/grids', { village_code: GAOFENG, name: `议事${unique()}组` })).code
  const out = []
  for (const [i, names] of households.entries()) {
    const h = await call('POST', '/households', { place_code: grid, address: `议事巷${i + 1}号` })
    const people = []
    for (const name of names) people.push(await call('POST', '/residents', { household_id: h.id, name, gender: 'female', birth_date: '1968-04-0' + (1 + people.length), relation: people.length ? '配偶' : '户主' }))
    out.push({ id: h.id, people })
  }
  return { grid, households: out }
}

test('console: a 村民代表会议 from agenda to resolution, refused without its quorum', async () => {
  const tag = unique()
  const reps = [`代表甲${tag}`, `代表乙${tag}`, `代表丙${tag}`]
  const v = await village([[reps[0]], [reps[1]], [reps[2]]])
  const ids = v.households.map((h) => h.people[0].id)
  for (const rid of ids) await call('POST', '/council/members', { place_code: GAOFENG, resident_id: rid, kind: 'representative' })
  const kase = await call('POST', '/cases', { place_code: v.grid, channel: 'grid_visit', title: `村道硬化${tag}`, content: '三组村道雨天泥泞' })
  const title = `村民代表会议${tag}`

  const { page, problems } = await openPage({ watchApi: true, expected: (res) => res.status() === 422 && res.url().endsWith('/resolutions') })
  await signIn(page)
  await page.goto(`${BASE}/council/meetings`)
  await pickPlace(page, GAOFENG_CHAIN)
  await page.locator('[data-test="meeting-new"]').click()
  const form = page.locator('.el-dialog', { has: page.locator('.el-dialog__title', { hasText: '新建会议' }) })
  await choose(page, form.locator('[data-test="meeting-type"]'), '村民代表会议')
  assert.match(text(await form.locator('[data-test="meeting-rule-hint"]').textContent()), /第二十六条.*三分之二以上的组成人员参加/)
  await form.locator('input[data-test="meeting-title"]').fill(title)
  await form.locator('input[data-test="meeting-venue"]').fill('高峰村村委会会议室')
  const picker = form.locator('.el-date-editor input')
  await picker.fill('2026-12-20 09:00')
  await picker.press('Enter')
  await form.locator('.el-dialog__title').click() // close the picker's panel
  await form.locator('[data-test="meeting-save"]').click()
  await page.waitForURL(/\/council\/meetings\/\d+$/)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  assert.equal(text(await page.locator('[data-test="meeting-title"]').textContent()), title)
  assert.equal(text(await page.locator('[data-test="meeting-status"]').textContent()), '筹备中')

  // Agenda: a title, and the case by its number.
  await page.locator('input[data-test="agenda-title"]').fill('村道硬化集资方案')
  await page.locator('[data-test="agenda-add"]').click()
  await page.locator('[data-test="agenda-row-title"]', { hasText: '村道硬化集资方案' }).waitFor()
  await page.locator('input[data-test="agenda-case-id"]').fill(String(kase.id))
  await page.locator('[data-test="agenda-add"]').click()
  await page.locator('[data-test="agenda-case"]', { hasText: `#${kase.id}` }).waitFor()
  await page.locator('[data-test="meeting-fix"]').click()
  await page.locator('[data-test="meeting-status"]', { hasText: '议程已确定' }).waitFor()
  await page.locator('[data-test="meeting-open"]').click()
  await page.locator('[data-test="meeting-status"]', { hasText: '会议进行中' }).waitFor()

  async function checkIn(name) {
    await page.locator('[data-test="checkin-search"]').click()
    await page.keyboard.type(name)
    await page.locator('.el-select-dropdown__item:visible', { hasText: name }).first().click()
    await page.locator('[data-test="checkin-add"]').click()
    await page.locator('[data-test="attendee-name"]', { hasText: name }).waitFor()
  }
  await checkIn(reps[0])
  await page.locator('[data-test="quorum-status"]', { hasText: '未达到法定人数' }).waitFor()
  assert.match(text(await page.locator('[data-test="quorum-text"]').textContent()), /组成人员1\/3/)

  // A show of hands: 1 for, recorded; the resolution is refused for want of a quorum.
  await page.locator('input[data-test="vote-new-question"]').fill('同意村道硬化集资方案')
  await page.locator('[data-test="vote-new-yes"] input').fill('1')
  await page.locator('[data-test="vote-new-save"]').click()
  await page.locator('[data-test="vote-question"]', { hasText: '同意村道硬化集资方案' }).waitFor()
  assert.match(text(await page.locator('[data-test="vote-rule"]').textContent()), /第二十六条.*赞成1票.*到会1人/)
  await choose(page, page.locator('[data-test="resolution-vote"]'), '同意村道硬化集资方案')
  await page.locator('textarea[data-test="resolution-text-input"]').fill('通过村道硬化集资方案，每户集资按人口计算。')
  await page.locator('[data-test="resolution-save"]').click()
  const refusal = page.locator('[data-test="resolution-quorum-error"]')
  await refusal.waitFor()
  assert.match(text(await refusal.textContent()), /未达到法定人数.*组成人员1\/3/)

  // Two of three members: at least two thirds.
  await checkIn(reps[1])
  await page.locator('[data-test="quorum-status"]', { hasText: '已达到法定人数' }).waitFor()
  await page.locator('[data-test="resolution-save"]').click()
  await page.locator('[data-test="resolution-text"]', { hasText: '通过村道硬化集资方案' }).waitFor()
  assert.equal(await refusal.count(), 0)

  await page.locator('textarea[data-test="minutes-input"]').fill('应到代表3人，实到2人。表决通过村道硬化集资方案。')
  await page.locator('[data-test="minutes-save"]').click()
  await page.locator('.el-message--success', { hasText: '会议记录已保存' }).waitFor()
  await page.locator('[data-test="meeting-close"]').click()
  await page.locator('.el-message-box .el-button--primary', { hasText: '结束会议' }).click()
  await page.locator('[data-test="meeting-status"]', { hasText: '已结束' }).waitFor()
  assert.match(text(await page.locator('[data-test="minutes-text"]').textContent()), /实到2人/)
  await page.screenshot({ path: '/tmp/gz-e2e-council-meeting.png', fullPage: true })

  // The case shows the meeting, which links back.
  await page.goto(`${BASE}/cases/${kase.id}`)
  const link = page.locator('[data-test="case-meeting-link"]', { hasText: title })
  await link.waitFor()
  await link.click()
  await page.waitForURL(new RegExp(`/council/meetings/${id}$`))
  await page.locator('[data-test="meeting-title"]', { hasText: title }).waitFor()

  // And in the list and the calendar.
  await page.goto(`${BASE}/council/meetings`)
  await pickPlace(page, GAOFENG_CHAIN)
  await page.locator('[data-test="meeting-row-title"]', { hasText: title }).waitFor()
  assert.deepEqual(problems, [])
})

test('console: a passed resolution becomes work — a case from it, the resolution and its result on the board', async () => {
  const tag = unique()
  const v = await village([[`居民甲${tag}`]])
  const m = await call('POST', '/council/meetings', { place_code: GAOFENG, type: 'hall', title: `路灯议事${tag}`, venue: '高峰村议事堂', starts_at: '2026-12-22T19:30:00+08:00' })
  await call('POST', `/council/meetings/${m.id}/items`, { title: '增设路灯' })
  for (const action of ['fix', 'open']) await call('POST', `/council/meetings/${m.id}/actions`, { action })
  await call('POST', `/council/meetings/${m.id}/attendance`, { resident_id: v.households[0].people[0].id })
  const vote = await call('POST', `/council/meetings/${m.id}/votes`, { question: '增设两盏路灯', method: 'open', yes: 1, no: 0, abstain: 0 })
  const res = await call('POST', `/council/meetings/${m.id}/resolutions`, { vote_id: vote.id, text: `村口增设两盏路灯${tag}` })

  const { page, problems } = await openPage({ watchApi: true })
  await signIn(page)
  await page.goto(`${BASE}/council/meetings/${m.id}`)
  const work = page.locator(`[data-test="resolution-work"][data-id="${res.id}"]`)
  await work.waitFor()
  // A case from the resolution: 居民议事堂 is its own intake channel, so no channel is asked.
  await work.locator('[data-test="work-add"]').click()
  const dlg = page.locator('.el-dialog', { has: page.locator('.el-dialog__title', { hasText: '添加落实事项' }) })
  await dlg.locator('input[data-test="work-title"]').fill(`安装路灯${tag}`)
  await dlg.locator('textarea[data-test="work-content"]').fill('村口两盏，月底前装好')
  assert.equal(await dlg.locator('[data-test="work-channel"]').count(), 0)
  await dlg.locator('[data-test="work-save"]').click()
  await work.locator('[data-test="work-case-link"]', { hasText: `安装路灯${tag}` }).waitFor()
  assert.equal(text(await work.locator('[data-test="work-case-status"]').textContent()), '待分流')
  // 公开决议, then 公开实施结果.
  await work.locator('[data-test="work-publish"]').click()
  await page.locator('.el-message-box .el-button--primary', { hasText: '公开' }).click()
  const entry = work.locator('[data-test="work-entry-link"]')
  await entry.waitFor()
  await work.locator('[data-test="work-result"]').click()
  await page.locator('textarea[data-test="work-result-text"]').fill('两盏路灯已于月底装好。')
  await page.locator('[data-test="work-result-save"]').click()
  await work.locator('[data-test="work-result-link"]').waitFor()
  const href = await entry.getAttribute('href')
  assert.match(href, new RegExp(`^/m/board/${GAOFENG}\\?entry=\\d+$`))

  // The case's page shows the resolution it implements, linking to the meeting.
  await work.locator('[data-test="work-case-link"]').click()
  await page.waitForURL(/\/cases\/\d+$/)
  const back = page.locator('[data-test="case-implements"]')
  await back.waitFor()
  assert.match(text(await back.locator('[data-test="case-implements-text"]').textContent()), new RegExp(`村口增设两盏路灯${tag}`))
  await back.locator('[data-test="case-implements-result"]').waitFor()
  await back.locator('[data-test="case-implements-link"]').click()
  await page.waitForURL(new RegExp(`/council/meetings/${m.id}$`))

  // The residents' board, without an account, shows the resolution.
  const phone = await openPage({ viewport: { width: 390, height: 844 }, noAuth: true })
  await phone.page.goto(`${BASE}${href}`)
  await phone.page.getByText(`村口增设两盏路灯${tag}`).first().waitFor()
  await phone.context.close()
  assert.deepEqual(problems, [])
})

test('console: a recall (Art. 16) petitioned and counted on 代表名册 — the member leaves the register', async () => {
  const tag = unique()
  const grid = (await call('POST', '/grids', { village_code: GAOFENG, name: `罢免${tag}组` })).code
  const h = await call('POST', '/households', { place_code: grid, address: `罢免巷${tag}` })
  const name = `委员${tag}`
  const p = await call('POST', '/residents', { household_id: h.id, name, gender: 'male', birth_date: '1966-06-06', relation: '户主', hukou: 'local' })
  const day = new Date(Date.now() + 8 * 3600e3 + 30 * 86400e3).toISOString().slice(0, 10)
  const el = await call('POST', '/council/elections', { place_code: GAOFENG, kind: 'committee', title: `罢免前换届${tag}`, seats: 1, election_day: day })
  await call('POST', `/council/elections/${el.id}/electors`, { from_registry: true })
  await call('POST', `/council/elections/${el.id}/actions`, { action: 'publish' })
  const registered = (await call('GET', `/council/elections/${el.id}`)).electors
  assert.ok(registered >= 1)
  await call('POST', '/council/members', { place_code: GAOFENG, resident_id: p.id, kind: 'committee' })

  const { page, problems } = await openPage({ watchApi: true })
  await signIn(page)
  await page.goto(`${BASE}/council/members`)
  await pickPlace(page, GAOFENG_CHAIN)
  const panel = page.locator('[data-test="recalls"]')
  await panel.waitFor()
  await choose(page, panel.locator('[data-test="recall-member"]'), name)
  await panel.locator('[data-test="recall-signers"] input').fill(String(registered))
  await panel.locator('textarea[data-test="recall-reason"]').fill('长期不履职，群众意见大')
  await panel.locator('[data-test="recall-add"]').click()
  const row = panel.locator('.el-table__row', { hasText: name })
  await row.waitFor()
  await row.locator('[data-test="recall-cast"] input').fill(String(registered))
  await row.locator('[data-test="recall-approve"] input').fill(String(registered))
  await row.locator('[data-test="recall-count-save"]').click()
  await row.locator('[data-test="recall-outcome"]', { hasText: '罢免通过' }).waitFor()
  assert.match(text(await row.locator('[data-test="recall-rule"]').textContent()), /第十六条/)
  // The member has left the register.
  await page.locator('[data-test="members-table"] .el-table__row', { hasText: name }).waitFor({ state: 'detached' })
  assert.deepEqual(problems, [])
})

test('phone: a resident checks in by the QR link and casts one secret ballot', async () => {
  const tag = unique()
  const v = await village([[`户主${tag}`, `配偶${tag}`]])
  const [head, spouse] = v.households[0].people
  const m = await call('POST', '/council/meetings', { place_code: GAOFENG, type: 'hall', title: `议事会${tag}`, venue: '高峰村议事堂', starts_at: '2026-12-21T19:30:00+08:00' })
  await call('POST', `/council/meetings/${m.id}/items`, { title: '是否增设垃圾分类亭' })
  await call('POST', `/council/meetings/${m.id}/actions`, { action: 'fix' })
  const open = await call('POST', `/council/meetings/${m.id}/actions`, { action: 'open' })
  const link = new URL(open.checkin_url)
  const account = `jm${tag}`.toLowerCase().replace(/[^a-z0-9]/g, '')
  execFileSync(BIN, ['--data', DATA, 'user', 'add', account, '--role', 'resident', '--scope', GAOFENG, '--household', String(v.households[0].id), '--password-stdin'],
    { input: 'resident-pass-1\n', env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } })
  const vote = await call('POST', `/council/meetings/${m.id}/votes`, { question: '增设垃圾分类亭', method: 'secret' })

  const { page, problems } = await openPage({
    viewport: { width: 390, height: 844 },
    context: { isMobile: true, hasTouch: true, deviceScaleFactor: 2, timezoneId: 'America/New_York' },
    watchApi: true,
    expected: (res) => res.status() === 401 && res.url().includes(`/council/meetings/${m.id}`),
  })
  await page.goto(`${BASE}${link.pathname}${link.search}`)
  await page.locator('[data-test="m-login-username"] input').fill(account)
  await page.locator('[data-test="m-login-password"] input').fill('resident-pass-1')
  await page.locator('[data-test="m-login-submit"]').click()
  await page.locator('[data-test="m-title"]', { hasText: `议事会${tag}` }).waitFor()
  assert.equal(text(await page.locator('[data-test="m-meeting-status"]').textContent()), '会议进行中')
  const people = page.locator('[data-test="m-person"]')
  assert.equal(await people.count(), 2)
  // Check in the head of the household.
  await people.filter({ hasText: head.name }).locator('[data-test="m-checkin"]').click()
  await people.filter({ hasText: head.name }).locator('[data-test="m-checked-in"]').waitFor()
  // The ballot is offered to the checked-in member only; no result while it is open.
  const ballot = page.locator('[data-test="m-vote"]', { hasText: '增设垃圾分类亭' })
  assert.equal(await ballot.locator('[data-test="m-ballot"]').count(), 1)
  assert.equal(await ballot.locator('[data-test="m-vote-result"]').count(), 0)
  await ballot.locator('[data-test="m-choice-yes"]').click()
  await ballot.locator('[data-test="m-voted"]').waitFor()
  assert.equal(await ballot.locator('[data-test="m-choice-yes"]').count(), 0) // no second ballot
  // The page fits the phone.
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 390, `page is ${width}px wide`)
  await page.screenshot({ path: '/tmp/gz-e2e-council-phone.png', fullPage: true })
  // A second ballot for the same person is refused by the server too.
  const again = await page.evaluate(async ({ id, rid }) => {
    const csrf = decodeURIComponent((document.cookie.match(/(?:^|;\s*)gz_csrf=([^;]*)/) || [])[1] || '')
    const r = await fetch(`/api/v1/council/votes/${id}/ballots`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: JSON.stringify({ resident_id: rid, choice: 'no' }) })
    return r.status
  }, { id: vote.id, rid: head.id })
  assert.equal(again, 409)

  // The clerk closes the vote; the phone shows the result after a refresh.
  const closed = await call('POST', `/council/votes/${vote.id}/close`)
  assert.deepEqual([closed.result.yes, closed.result.cast], [1, 1])
  await page.locator('[data-test="m-refresh"]').click()
  await ballot.locator('[data-test="m-vote-result"]').waitFor()
  assert.match(text(await ballot.locator('[data-test="m-vote-result"]').textContent()), /通过.*赞成1票/)
  assert.ok(!(await page.locator('body').textContent()).includes(spouse.name + '已投票'))
  assert.deepEqual(problems.filter((p) => !/HTTP 409/.test(p)), [])
})

test('console: an election — voters from the registry, candidates, the list published 20 days ahead', async () => {
  const tag = unique()
  const v = await village([[`选民甲${tag}`], [`选民乙${tag}`], [`选民丙${tag}`]])
  for (const h of v.households) await call('PATCH', `/residents/${h.people[0].id}`, { hukou: 'local' })
  const title = `村委会换届${tag}`
  const { page, problems } = await openPage({ watchApi: true, expected: (res) => res.status() === 409 && res.url().endsWith('/actions') })
  await signIn(page)
  await page.goto(`${BASE}/council/elections`)
  await pickPlace(page, GAOFENG_CHAIN)
  await page.locator('[data-test="election-new"]').click()
  const form = page.locator('.el-dialog', { has: page.locator('.el-dialog__title', { hasText: '新建选举' }) })
  await form.locator('input[data-test="election-title-input"]').fill(title)
  await form.locator('[data-test="election-seats"] input').fill('1')
  const day = new Date(Date.now() + 8 * 3600e3 + 19 * 86400e3).toISOString().slice(0, 10) // too soon for the list
  const picker = form.locator('.el-date-editor input')
  await picker.fill(day)
  await picker.press('Enter')
  await form.locator('.el-dialog__title').click()
  await form.locator('[data-test="election-save"]').click()
  await page.waitForURL(/\/council\/elections\/\d+$/)
  await page.locator('[data-test="election-title"]', { hasText: title }).waitFor()
  await page.locator('[data-test="voters-from-registry"]').click()
  // Only this grid's three have hukou recorded as local among the village's residents made here.
  for (const h of v.households) await page.locator('[data-test="voters-table"]', { hasText: h.people[0].name }).waitFor()
  for (const h of v.households.slice(0, 2)) {
    await choose(page, page.locator('[data-test="candidate-pick"]'), h.people[0].name)
    await page.locator('[data-test="candidate-add"]').click()
    await page.locator('[data-test="candidate-name"]', { hasText: h.people[0].name }).waitFor()
  }
  // 19 days before election day: refused, with the reason shown.
  await page.locator('[data-test="election-publish"]').click()
  await page.locator('.el-message--error', { hasText: '20 日前公布' }).waitFor()
  assert.equal(text(await page.locator('[data-test="election-status"]').textContent()), '选民登记')
  assert.deepEqual(problems, [])
})

test('console: a selection of projects scored by a reviewer, the highest chosen', async () => {
  const admin = await login(BASE, 'admin', process.env.GZ_ADMIN_PASSWORD)
  const as = async (method, path, body) => {
    const r = await api(BASE, method, '/api/v1' + path, { token: admin, body })
    if (r.status >= 400) throw new Error(`${method} ${path}: ${r.status} ${r.text}`)
    return r.body
  }
  const tag = unique()
  const sel = await as('POST', '/council/selections', { place_code: '422802', title: `创新项目评审${tag}`, picks: 1 })
  await as('POST', `/council/selections/${sel.id}/applications`, { place_code: GAOFENG, title: `院坝会${tag}` })
  await as('POST', `/council/selections/${sel.id}/applications`, { place_code: GAOFENG, title: `积分制${tag}` })
  const { page, problems } = await openPage({ watchApi: true })
  await signIn(page, 'admin', process.env.GZ_ADMIN_PASSWORD)
  await page.goto(`${BASE}/council/selections/${sel.id}`)
  const rowOf = (t) => page.locator('[data-test="applications-table"] .el-table__row', { hasText: t })
  await rowOf(`院坝会${tag}`).waitFor()
  for (const [t, s] of [[`院坝会${tag}`, '78'], [`积分制${tag}`, '91']]) {
    await rowOf(t).locator('[data-test="application-score"] input').fill(s)
    await rowOf(t).locator('[data-test="application-score-save"]').click()
    await rowOf(t).locator('[data-test="application-mean"]', { hasText: `${s}.0` }).waitFor()
  }
  await page.locator('[data-test="selection-close"]').click()
  await page.locator('[data-test="selection-status"]', { hasText: '已结束' }).waitFor()
  await rowOf(`积分制${tag}`).locator('[data-test="application-chosen"]').waitFor()
  assert.equal(await rowOf(`院坝会${tag}`).locator('[data-test="application-chosen"]').count(), 0)
  assert.deepEqual(problems, [])
})

// council: paper ballots (issue 5) — the election day is moved to today in the database (as if
// the 20 days had passed: the server cannot be restarted with another clock here), the voting
// opened; on the page the clerk checks a voter off, the tellers enter their station's count, a
// second entry asks for a reason, and the count adds the paper votes to the candidate.
test('console: paper ballots — a voter checked off, a station counted and corrected, the votes in the result', async () => {
  const tag = unique()
  const v = await village([[`纸票甲${tag}`], [`纸票乙${tag}`], [`纸票丙${tag}`]])
  for (const h of v.households) await call('PATCH', `/residents/${h.people[0].id}`, { hukou: 'local' })
  const day = new Date(Date.now() + 8 * 3600e3 + 20 * 86400e3).toISOString().slice(0, 10)
  const el = await call('POST', '/council/elections', { place_code: GAOFENG, kind: 'committee', title: `纸质选票换届${tag}`, seats: 1, election_day: day })
  await call('POST', `/council/elections/${el.id}/electors`, { from_registry: true })
  await call('POST', `/council/elections/${el.id}/actions`, { action: 'publish' })
  const [a, b, c] = v.households.map((h) => h.people[0])
  const cand = (await call('POST', `/council/elections/${el.id}/candidates`, { resident_id: a.id })).id
  await call('POST', `/council/elections/${el.id}/candidates`, { resident_id: b.id })
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  execFileSync('sqlite3', [`${DATA}/gongzhi.db`, `PRAGMA busy_timeout=5000; UPDATE council_elections SET election_day = '${today}' WHERE id = ${Number(el.id)}`])
  await call('POST', `/council/elections/${el.id}/actions`, { action: 'open' })
  const { page, problems } = await openPage({ watchApi: true, expected: (res) => res.status() === 409 && res.url().endsWith('/paper-counts') })
  await signIn(page)
  await page.goto(`${BASE}/council/elections/${el.id}`)
  await page.locator('[data-test="election-paper"]').waitFor()
  await choose(page, page.locator('[data-test="paper-voter-pick"]'), c.name)
  await page.locator('[data-test="paper-voter-add"]').click()
  await page.locator('.el-message--success', { hasText: '已核销' }).waitFor()
  const station = `第一投票站${tag}`
  await page.locator('input[data-test="paper-station"]').fill(station)
  await page.locator('[data-test="paper-issued"] input').fill('1')
  await page.locator('[data-test="paper-returned"] input').fill('1')
  await page.locator(`[data-test="paper-votes-${cand}"] input`).fill('1')
  await page.locator('[data-test="paper-station"]').click()
  await page.locator('[data-test="paper-count-save"]').click()
  await page.locator('[data-test="paper-station-name"]', { hasText: station }).waitFor()
  // Entered once: now the form asks for the reason of a correction, and takes it.
  await page.locator('input[data-test="paper-reason"]').fill('复核无误')
  await page.locator('[data-test="paper-count-save"]', { hasText: '更正' }).click()
  await page.locator('[data-test="paper-stations"]', { hasText: '1 次：复核无误' }).waitFor()
  // The online check-off is the same record: the voter checked off is refused a second time.
  const again = await api(BASE, 'POST', `/api/v1/council/elections/${el.id}/paper-voters`, { token, body: { resident_id: c.id } })
  assert.equal(again.status, 409)
  await page.locator('[data-test="election-count"]').click()
  await page.locator('[data-test="election-rule"]').waitFor()
  const row = page.locator('[data-test="election-candidates"] tr', { hasText: a.name })
  assert.match(text(await row.textContent()), new RegExp(`${a.name}1`))
  assert.deepEqual(problems, [])
})
