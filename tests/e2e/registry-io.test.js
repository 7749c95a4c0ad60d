// Browser test of the registry's daily work in 高峰村民委员会, as a village cadre does it:
//   - 网格角色: assign a resident as 网格长 of a grid (and oneself as 网格员), see who is responsible
//     on the grid's card in the overview, end the assignment (卸任) and find it under 显示已卸任;
//   - 入户走访: a household never visited is listed in 走访提醒 (超期未走访), a visit is registered
//     on its file (需要跟进), and it leaves the overdue list and appears under 待跟进;
//   - 导入 / 导出: a CSV built here (one row with a wrong ID check digit) is imported in mode good,
//     the report names the bad row, the good rows appear in 住户档案, and 导出名册 CSV holds them.
// Each test makes its own grid (the data the test sets up directly through the API, the work
// itself through the pages) and uses unique names, so the tests do not depend on each other or on
// earlier runs. Needs a running server with the national places and a cadre whose scope holds
// 高峰村民委员会 (tests/e2e/serve.js starts one):
//   GZ_BASE_URL=http://127.0.0.1:8080 GZ_USER=… GZ_PASSWORD=… node --test tests/e2e/registry-io.test.js
// Pictures for a look: /tmp/gz-e2e-roles.png, /tmp/gz-e2e-visits.png, /tmp/gz-e2e-import.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import {
  GAOFENG, USER, apiCall, choose, dialog, idNumber, openInGaofeng, openPage, requireServer, signIn, text, todayBeijing,
  unique, useBrowser,
} from './lib.js'

requireServer()
useBrowser()

// Pages that may download (导出名册) and use blob: URLs of the server's origin; a refused API call is a problem.
const PAGE = { context: { acceptDownloads: true }, allowBlob: true, watchApi: true }

/** A grid of 高峰村 with one household and its head, made through the API. */
async function setUpGrid(page, label, suffix) {
  const grid = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `${label}网格${suffix}` })
  const household = await apiCall(page, 'POST', '/households', { place_code: grid.code, address: `高峰村${label}组${suffix}号` })
  const head = await apiCall(page, 'POST', '/residents', {
    household_id: household.id, name: `${label}户主${suffix}`, gender: 'female', birth_date: '1966-02-03', relation: '户主',
  })
  return { grid, household, head }
}

test('a cadre assigns a resident as 网格长, sees it on the grid card, and ends it', async () => {
  const { context, page, problems } = await openPage(PAGE)
  const suffix = unique()
  try {
    await signIn(page)
    const { grid } = await setUpGrid(page, '角色', suffix)
    const leaderName = `网格长${suffix}`
    const household = await apiCall(page, 'POST', '/households', { place_code: grid.code, address: `高峰村角色组${suffix}号附1` })
    await apiCall(page, 'POST', '/residents', {
      household_id: household.id, name: leaderName, gender: 'male', birth_date: '1978-09-10', relation: '户主',
    })

    await openInGaofeng(page, 'registry/grids', /\/registry\/grids$/)
    const card = page.locator(`[data-test="grid-card"][data-code="${grid.code}"]`)
    await card.locator('[data-test="grid-card-roles"]', { hasText: '尚未指派' }).waitFor()

    // Open the grid; 指派角色 starts at this grid with 网格长.
    await card.click()
    await page.locator('[data-test="grid-detail-name"]', { hasText: grid.name }).waitFor()
    await page.locator('[data-test="grid-role-new"]').click()
    const roleDialog = dialog(page, '指派网格角色')
    await roleDialog.waitFor()
    await roleDialog.locator('[data-test="role-place"] .el-select__placeholder', { hasText: grid.name }).waitFor()
    assert.equal(text(await roleDialog.locator('[data-test="role-role"] .el-select__placeholder').textContent()), '网格长')
    // No resident chosen: refused in Chinese.
    await roleDialog.locator('[data-test="role-save"]').click()
    await roleDialog.locator('.el-form-item__error', { hasText: '请选择担任的居民' }).waitFor()
    // Find the resident by name (remote search within the village).
    await roleDialog.locator('[data-test="role-resident"]').click()
    // Wait for the search's own reply: until then the list is the one shown on opening, and an
    // option clicked there may move away under the pointer when the reply replaces it.
    const found = page.waitForResponse((res) => {
      const u = new URL(res.url())
      return u.pathname === '/api/v1/residents' && u.searchParams.get('q') === leaderName
    })
    await roleDialog.locator('[data-test="role-resident"] input').fill(leaderName)
    await found
    const option = page.locator('.el-select-dropdown__item:visible', { hasText: leaderName })
    await option.waitFor()
    assert.equal(await page.locator('.el-select-dropdown__item:visible').count(), 1)
    await option.click()
    await roleDialog.locator('[data-test="role-resident"] .el-select__placeholder', { hasText: leaderName }).waitFor()
    const assigned = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/v1/grid-roles'))
    await roleDialog.locator('[data-test="role-save"]').click()
    const assignment = await (await assigned).json()
    assert.equal(assignment.role, 'leader')
    assert.equal(assignment.place_code, grid.code)
    assert.equal(assignment.holder_name, leaderName)
    assert.equal(typeof assignment.resident_id, 'number')
    await roleDialog.waitFor({ state: 'hidden' })

    // The overview: the card says who leads the grid, so does the open grid and the roles table.
    const leaderChip = card.locator('[data-test="grid-role"][data-role="leader"]')
    await leaderChip.waitFor()
    assert.equal(text(await leaderChip.textContent()), `网格长${leaderName}`)
    await page.locator('[data-test="grid-detail-role"][data-role="leader"]', { hasText: leaderName }).waitFor()
    const roleRow = page.locator('[data-test="roles-table"] .el-table__row', {
      has: page.locator('[data-test="role-row-holder"]', { hasText: leaderName }),
    })
    await roleRow.waitFor()
    assert.equal(text(await roleRow.locator('[data-test="role-row-role"]').textContent()), '网格长')
    assert.equal(text(await roleRow.locator('[data-test="role-row-place"]').textContent()), grid.name)

    // 我自己 as 网格员 of the same grid: the staff account, by the session's user id.
    await page.locator('[data-test="grid-role-new"]').click()
    await roleDialog.waitFor()
    await choose(page, roleDialog.locator('[data-test="role-role"]'), '网格员')
    await roleDialog.locator('[data-test="role-kind-self"]').click()
    await roleDialog.locator('[data-test="role-self"]', { hasText: USER }).waitFor()
    const selfAssigned = page.waitForRequest((req) => req.method() === 'POST' && req.url().endsWith('/api/v1/grid-roles'))
    await roleDialog.locator('[data-test="role-save"]').click()
    const selfBody = (await selfAssigned).postDataJSON()
    assert.equal(selfBody.role, 'member')
    assert.equal(typeof selfBody.user_id, 'number')
    assert.equal(selfBody.resident_id, undefined)
    await roleDialog.waitFor({ state: 'hidden' })
    await card.locator('[data-test="grid-role"][data-role="member"]', { hasText: USER }).waitFor()
    await page.waitForTimeout(300) // let the dialog's closing fade finish, only for the picture
    await page.screenshot({ path: '/tmp/gz-e2e-roles.png', fullPage: true })

    // 卸任: confirmed, the 网格长 leaves the card and the table; 显示已卸任 shows it with the day it ended.
    await roleRow.locator('[data-test="role-end"]').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(text(await box.textContent()), new RegExp(`${leaderName}.*卸任`))
    await box.locator('.el-button--primary', { hasText: '卸任' }).click()
    await leaderChip.waitFor({ state: 'detached' })
    await roleRow.waitFor({ state: 'detached' })
    await page.locator('[data-test="roles-history"]').click()
    await roleRow.waitFor()
    assert.match(text(await roleRow.locator('[data-test="role-row-until"]').textContent()), /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}$/)
    assert.equal(await roleRow.locator('[data-test="role-end"]').count(), 0)
    // History on, the card still shows only who serves now.
    assert.equal(await card.locator('[data-test="grid-role"][data-role="leader"]').count(), 0)

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a household never visited is overdue until a visit is registered on its file', async () => {
  const { context, page, problems } = await openPage(PAGE)
  const suffix = unique()
  const findings = `家中老人身体尚可，反映屋顶漏雨（${suffix}）`
  try {
    await signIn(page)
    const { grid, household, head } = await setUpGrid(page, '走访', suffix)

    // 走访提醒 within the new grid: the household is overdue, never visited.
    await openInGaofeng(page, 'registry/visits', /\/registry\/visits/)
    await choose(page, page.locator('[data-test="visits-sub"]'), grid.name)
    await page.waitForURL(new RegExp(`place=${grid.code}`))
    const row = page.locator('[data-test="overdue-table"] .el-table__row', {
      has: page.locator('[data-test="overdue-address"]', { hasText: household.address }),
    })
    await row.waitFor()
    assert.equal(text(await row.locator('[data-test="overdue-head"]').textContent()), head.name)
    assert.equal(text(await row.locator('[data-test="overdue-members"]').textContent()), '1')
    assert.equal(text(await row.locator('[data-test="overdue-last"]').textContent()), '从未走访')
    // 90 days: still overdue (kept in the URL).
    await page.locator('[data-test="overdue-days-90"]').click()
    await page.waitForURL(/days=90/)
    await row.waitFor()

    // The household's file: no visits yet; 登记走访 with today's date (Beijing) preset.
    await row.locator('[data-test="overdue-address"]').click()
    await page.waitForURL(new RegExp(`/registry/households/${household.id}$`))
    await page.locator('[data-test="visits-summary"]', { hasText: '尚未走访' }).waitFor()
    await page.locator('[data-test="visit-new"]').click()
    const visitDialog = dialog(page, '登记走访')
    await visitDialog.waitFor()
    assert.equal(await visitDialog.locator('[data-test="visit-date"] input').inputValue(), todayBeijing())
    await visitDialog.locator('[data-test="visit-save"]').click()
    await visitDialog.locator('.el-form-item__error', { hasText: '请填写走访情况' }).waitFor()
    await visitDialog.locator('textarea[data-test="visit-findings"]').fill(findings)
    await visitDialog.locator('[data-test="visit-follow-up"]').click()
    const posted = page.waitForRequest((req) => req.method() === 'POST' && req.url().endsWith('/api/v1/visits'))
    await visitDialog.locator('[data-test="visit-save"]').click()
    assert.deepEqual((await posted).postDataJSON(), { household_id: household.id, visited_on: todayBeijing(), findings, follow_up: true })
    await visitDialog.waitFor({ state: 'hidden' })
    const visit = page.locator('[data-test="visits-table"] .el-table__row', { hasText: suffix })
    await visit.waitFor()
    assert.equal(text(await visit.locator('[data-test="visit-row-date"]').textContent()), todayBeijing())
    assert.equal(text(await visit.locator('[data-test="visit-row-visitor"]').textContent()), USER)
    assert.equal(text(await visit.locator('[data-test="visit-row-findings"]').textContent()), findings)
    assert.equal(text(await visit.locator('[data-test="visit-row-follow-up"]').textContent()), '需跟进')
    await page.locator('[data-test="visits-summary"]', { hasText: `最近走访 ${todayBeijing()}` }).waitFor()

    // Back in 走访提醒 (same grid, 90 days): the household is no longer overdue …
    await page.goBack()
    await page.waitForURL(new RegExp(`/registry/visits\\?.*place=${grid.code}`))
    await page.locator('[data-test="overdue-days-90"].is-active').waitFor()
    await page.locator('[data-test="overdue-table"] .el-table__empty-text', { hasText: '90 天内每户都已走访' }).waitFor()
    assert.equal(await row.count(), 0)
    // … and the visit waits under 待跟进.
    await page.locator('#tab-follow').click()
    const followRow = page.locator('[data-test="follow-table"] .el-table__row', {
      has: page.locator('[data-test="follow-address"]', { hasText: household.address }),
    })
    await followRow.waitFor()
    await page.screenshot({ path: '/tmp/gz-e2e-visits.png', fullPage: true })
    assert.equal(text(await followRow.locator('[data-test="follow-findings"]').textContent()), findings)

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a CSV with one bad row is imported in mode good, the report names the row, the roster exports', async () => {
  const { context, page, problems } = await openPage(PAGE)
  const suffix = unique()
  try {
    await signIn(page)
    const grid = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `导入网格${suffix}` })

    const addr1 = `高峰村导入组${suffix}号`
    const addr2 = `高峰村导入组${suffix}号附2`
    const addr3 = `高峰村导入组${suffix}号附3`
    const people = {
      head: `甲${suffix}`, spouse: `乙${suffix}`, bad: `丙${suffix}`, single: `丁${suffix}`,
    }
    const badId = idNumber('19800102', true, { wrong: true })
    const rows = [
      ['姓名', '性别', '出生日期', '公民身份号码', '联系电话', '民族', '户籍类型', '政治面貌', '与户主关系', '住址', '网格或楼栋编码', '关爱标签'],
      [people.head, '男', '1975-03-04', idNumber('19750304', true), '13900001111', '土家族', '本地', '群众', '户主', addr1, '', ''],
      [people.spouse, '女', '1977-08-09', '', '', '汉族', '本地', '中共党员', '配偶', addr1, '', '老年人、低保'],
      [people.bad, '男', '1980-01-02', badId, '', '汉族', '本地', '群众', '户主', addr2, '', ''],
      [people.single, '女', '1990-12-01', '', '', '苗族', '外地', '群众', '户主', addr3, '', ''],
    ]
    const csv = '\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n'

    // 住户档案 within the new grid.
    await openInGaofeng(page, 'registry/households', /\/registry\/households/)
    await page.locator('[data-test="households-table"]').waitFor()
    await choose(page, page.locator('[data-test="household-sub"]'), grid.name)
    await page.waitForURL(new RegExp(`place=${grid.code}`))
    await page.locator('[data-test="households-table"] .el-table__empty-text', { hasText: '尚无住户' }).waitFor()

    // 导入居民: the target is the grid; the file is chosen, then sent in mode good.
    await page.locator('[data-test="resident-import"]').click()
    const importDialog = dialog(page, '导入居民')
    await importDialog.waitFor()
    assert.equal(text(await importDialog.locator('[data-test="import-target"]').textContent()), grid.name)
    assert.ok(await importDialog.locator('[data-test="import-submit"]').isDisabled(), 'nothing to send before a file is chosen')
    await importDialog.locator('[data-test="import-upload"] input[type="file"]').setInputFiles({
      name: `居民导入${suffix}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8'),
    })
    await importDialog.locator('.el-upload-list__item', { hasText: `居民导入${suffix}.csv` }).waitFor()
    await importDialog.locator('[data-test="import-mode-good"]').click()
    const sent = page.waitForRequest((req) => req.method() === 'POST' && req.url().includes('/api/v1/residents/import'))
    await importDialog.locator('[data-test="import-submit"]').click()
    const request = await sent
    const url = new URL(request.url())
    assert.equal(url.searchParams.get('under'), grid.code)
    assert.equal(url.searchParams.get('mode'), 'good')
    // The file itself is the body (Playwright does not show a File body; the report below counts its rows).
    assert.equal(request.headers()['content-type'], 'text/csv')
    assert.ok(request.headers()['x-csrf-token'], 'the import carries the CSRF header')

    // The report: 4 rows, 3 imported, row 4 (the header is row 1) refused for its check digit.
    const report = importDialog.locator('[data-test="import-report"]')
    await report.waitFor()
    assert.equal(text(await report.locator('[data-test="import-summary"]').textContent()), '共 4 行，导入 3 行，拒绝 1 行，新建住户 2 户')
    assert.match(text(await report.locator('[data-test="import-committed"]').textContent()), /已导入正确的行/)
    const errorRows = report.locator('[data-test="import-errors"] .el-table__row')
    assert.equal(await errorRows.count(), 1)
    assert.equal(text(await errorRows.locator('[data-test="import-error-row"]').textContent()), '4')
    assert.equal(text(await errorRows.locator('[data-test="import-error-field"]').textContent()), '公民身份号码')
    assert.equal(text(await errorRows.locator('[data-test="import-error-message"]').textContent()), '公民身份号码校验位错误')
    await page.screenshot({ path: '/tmp/gz-e2e-import.png' })
    await importDialog.locator('[data-test="import-close"]').click()
    await importDialog.waitFor({ state: 'hidden' })

    // The list was fetched again: two households, the bad row's address is not among them.
    const household = (address) => page.locator('[data-test="households-table"] .el-table__row', {
      has: page.locator('[data-test="household-address"]', { hasText: new RegExp(`^\\s*${address}\\s*$`) }),
    })
    await household(addr1).waitFor()
    assert.equal(text(await household(addr1).locator('[data-test="household-head"]').textContent()), people.head)
    assert.equal(text(await household(addr1).locator('[data-test="household-members"]').textContent()), '2')
    assert.equal(text(await household(addr1).locator('[data-test="household-care"]').textContent()), '1')
    assert.equal(text(await household(addr3).locator('[data-test="household-head"]').textContent()), people.single)
    assert.equal(await household(addr2).count(), 0)
    assert.equal(await page.locator('[data-test="households-table"] .el-table__row').count(), 2)

    // 导出名册 CSV of the grid: the three residents, under the grid's name.
    await page.locator('[data-test="resident-export-button"]').click()
    const downloaded = page.waitForEvent('download')
    await page.locator('.el-dropdown-menu__item:visible', { hasText: '导出 CSV' }).click()
    const file = await downloaded
    assert.equal(file.suggestedFilename(), `${grid.name}居民名册.csv`)
    const exported = (await readFile(await file.path(), 'utf8')).replace(/^\ufeff/, '').trim().split(/\r?\n/)
    assert.equal(exported[0], rows[0].join(','))
    assert.equal(exported.length, 4, exported.join('\n'))
    for (const name of [people.head, people.spouse, people.single]) assert.ok(exported.some((l) => l.startsWith(`${name},`)), `export lacks ${name}`)
    assert.ok(!exported.some((l) => l.startsWith(`${people.bad},`)), 'the refused row was not imported')
    assert.ok(exported.some((l) => l.includes(rows[1][3])), 'a cadre exports the full ID number')

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
