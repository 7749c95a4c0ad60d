// Browser test of a household's history in 高峰村民委员会, as a village cadre keeps it:
//   - 迁出 / 迁回 / 死亡 on the household file: the member is greyed with its status, the household
//     loses its head when the head moves out (户主 未指定, 设为户主), and 户档变动 (the timeline) shows
//     登记, 迁入 (a member added with 登记方式 迁入), 迁出 with where to, 迁回 and 死亡;
//   - 分户/转入他户: a member moves to another household found by its address, and both files say so;
//   - 调整网格: a building moves to another grid of the village and gets the new code;
//   - 关爱标签: a new tag (a second time: 已存在) is offered when adding a member (登记方式 出生), counted
//     on the tag page, and its count opens 居民查询 filtered by it.
// Each test sets up its own grid and households through the API, with unique names, and does the
// work itself on the pages; it waits on the API's replies, never on fixed sleeps. Needs a running
// server with the national places and a cadre whose scope holds 高峰村民委员会 (tests/e2e/serve.js
// starts one):
//   GZ_BASE_URL=http://127.0.0.1:8080 GZ_USER=… GZ_PASSWORD=… node --test tests/e2e/registry-events.test.js
// Pictures for a look: /tmp/gz-e2e-events.png (and its timeline: -history.png), -transfer.png,
// -move.png, -tags.png.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  BASE, GAOFENG, apiCall, choose, dialog, openInGaofeng, openPage, requireServer, signIn, text, todayBeijing, unique,
  useBrowser,
} from './lib.js'

requireServer()
useBrowser()

/** A household at `place_code` with its members ([{name, gender, birth_date, relation}]), through the API. */
async function makeHousehold(page, placeCode, address, members) {
  const household = await apiCall(page, 'POST', '/households', { place_code: placeCode, address })
  const people = []
  for (const m of members) people.push(await apiCall(page, 'POST', '/residents', { household_id: household.id, ...m }))
  return { household, people }
}

/** Opens a household's file by its address (the URL the console gives it) and waits for it. */
async function openFile(page, household) {
  await page.goto(`${BASE}/registry/households/${household.id}`)
  await page.locator('[data-test="household-file-address"]', { hasText: household.address }).waitFor()
}

/** The row of the members table for a member's name. */
function memberRow(page, name) {
  return page.locator('[data-test="members-table"] .el-table__row', {
    has: page.locator('[data-test="member-row-name"]', { hasText: new RegExp(`^\\s*${name}\\s*$`) }),
  })
}

/** The actions 变动 offers for a member (opened, read, and closed again by a click elsewhere). */
async function offeredEvents(page, row) {
  await row.locator('[data-test="member-actions"]').click()
  const items = page.locator('.el-dropdown-menu:visible .el-dropdown-menu__item')
  await items.first().waitFor()
  const offered = (await items.allTextContents()).map(text)
  await page.locator('.gz-page-title', { hasText: '户档' }).click()
  await page.locator('.el-dropdown-menu:visible').waitFor({ state: 'hidden' })
  return offered
}

/** Opens 变动 → `action` for a member and returns the event dialog. */
async function startEvent(page, row, action, kind) {
  await row.locator('[data-test="member-actions"]').click()
  await page.locator(`.el-dropdown-menu:visible [data-test="member-event-${kind}"]`, { hasText: action }).click()
  const eventDialog = dialog(page, `${action}：`)
  await eventDialog.waitFor()
  return eventDialog
}

/** Saves the event dialog and returns the request's body and the server's reply. */
async function saveEvent(page, eventDialog, residentId) {
  const replied = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith(`/api/v1/residents/${residentId}/events`))
  await eventDialog.locator('[data-test="event-save"]').click()
  const res = await replied
  assert.equal(res.status(), 200, await res.text())
  await eventDialog.waitFor({ state: 'hidden' })
  return { sent: res.request().postDataJSON(), reply: await res.json() }
}

/** The kinds of the timeline's entries, newest first, as [kind, name]. */
async function timeline(page) {
  const entries = page.locator('[data-test="household-timeline"] [data-test="timeline-entry"]')
  const out = []
  for (const e of await entries.all()) out.push([await e.getAttribute('data-kind'), text(await e.locator('[data-test="timeline-name"]').textContent())])
  return out
}

test('a member moves out and back, another dies; the file greys them and its timeline records it all', async () => {
  const { context, page, problems } = await openPage({ watchApi: true })
  const suffix = unique()
  const headName = `迁户主${suffix}`
  const elderName = `迁老人${suffix}`
  const newName = `迁入员${suffix}`
  const whereTo = `湖北省武汉市洪山区（务工${suffix}）`
  try {
    await signIn(page)
    const grid = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `变动网格${suffix}` })
    const { household, people } = await makeHousehold(page, grid.code, `高峰村变动组${suffix}号`, [
      { name: headName, gender: 'male', birth_date: '1970-03-04', relation: '户主' },
      { name: elderName, gender: 'female', birth_date: '1940-07-08', relation: '父母' },
    ])
    const [head, elder] = people
    await openFile(page, household)
    await page.locator('[data-test="household-file-head"]', { hasText: headName }).waitFor()

    // 添加成员 with 登记方式 迁入: sent as arrival, the first line of the member's history.
    await page.locator('[data-test="member-new"]').click()
    const memberDialog = dialog(page, '添加成员')
    await memberDialog.waitFor()
    await memberDialog.locator('[data-test="member-arrival-registered"].is-active').waitFor() // 登记 by default
    await memberDialog.locator('[data-test="member-arrival-move_in"]').click()
    await memberDialog.locator('input[data-test="member-name"]').fill(newName)
    await memberDialog.locator('.el-radio', { hasText: '女' }).click()
    const birth = memberDialog.locator('[data-test="member-birth"] input')
    await birth.fill('1972-09-10')
    await birth.press('Enter')
    await choose(page, memberDialog.locator('[data-test="member-relation"]'), '配偶')
    const added = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/v1/residents'))
    await memberDialog.locator('[data-test="member-save"]').click()
    const addedRes = await added
    assert.equal(addedRes.status(), 201)
    assert.equal(addedRes.request().postDataJSON().arrival, 'move_in')
    const spouse = await addedRes.json()
    await memberDialog.waitFor({ state: 'hidden' })
    await memberRow(page, newName).waitFor()
    await page.locator(`[data-test="timeline-entry"][data-kind="moved_in"][data-resident="${spouse.id}"]`).waitFor()
    assert.equal(text(await page.locator('[data-test="household-file-members"]').textContent()), '在册 3 人')

    // 迁出 of the head: the date is today by default; 迁往何处 is the note.
    const headRow = memberRow(page, headName)
    assert.deepEqual(await offeredEvents(page, headRow), ['迁出', '死亡', '分户/转入他户'])
    let eventDialog = await startEvent(page, headRow, '迁出', 'move_out')
    assert.equal(text(await eventDialog.locator('.el-dialog__title').textContent()), `迁出：${headName}`)
    assert.equal(await eventDialog.locator('[data-test="event-date"] input').inputValue(), todayBeijing())
    await eventDialog.locator('textarea[data-test="event-note"]').fill('甲'.repeat(201))
    assert.equal((await eventDialog.locator('textarea[data-test="event-note"]').inputValue()).length, 200, 'the note is cut at 200 字')
    await eventDialog.locator('textarea[data-test="event-note"]').fill(whereTo)
    let done = await saveEvent(page, eventDialog, head.id)
    assert.deepEqual(done.sent, { kind: 'move_out', date: todayBeijing(), note: whereTo })
    assert.equal(done.reply.status, 'moved_out')

    // Greyed with its status; the household has no head now, and offers 设为户主 for present members.
    await headRow.locator('[data-test="member-row-status"]', { hasText: '已迁出' }).waitFor()
    assert.match(await headRow.getAttribute('class'), /member-gone/)
    await page.locator('[data-test="household-file-head"]', { hasText: '未指定' }).waitFor()
    assert.equal(text(await page.locator('[data-test="household-file-members"]').textContent()), '在册 2 人（另有已迁出 1 人）')
    assert.equal(await headRow.locator('[data-test="member-set-head"]').count(), 0, 'a moved-out member cannot be the head')
    const movedOut = page.locator(`[data-test="timeline-entry"][data-kind="moved_out"][data-resident="${head.id}"]`)
    await movedOut.waitFor()
    assert.equal(text(await movedOut.locator('[data-test="timeline-kind"]').textContent()), '迁出')
    assert.equal(text(await movedOut.locator('[data-test="timeline-note"]').textContent()), `迁往：${whereTo}`)

    // 设为户主 for the spouse: PATCH /households/{id} {head_id}.
    const patched = page.waitForRequest((req) => req.method() === 'PATCH' && req.url().endsWith(`/api/v1/households/${household.id}`))
    await memberRow(page, newName).locator('[data-test="member-set-head"]').click()
    assert.deepEqual((await patched).postDataJSON(), { head_id: spouse.id })
    await page.locator('[data-test="household-file-head"]', { hasText: newName }).waitFor()
    assert.equal(await page.locator('[data-test="member-set-head"]').count(), 0, 'with a head, 设为户主 is under 变动 only')

    // A moved-out member can only come back (迁回).
    assert.deepEqual(await offeredEvents(page, headRow), ['迁回'])
    eventDialog = await startEvent(page, headRow, '迁回', 'return')
    await eventDialog.locator('textarea[data-test="event-note"]').fill('务工返乡')
    done = await saveEvent(page, eventDialog, head.id)
    assert.deepEqual(done.sent, { kind: 'return', date: todayBeijing(), note: '务工返乡' })
    assert.equal(done.reply.status, 'present')
    await headRow.locator('[data-test="member-row-status"]', { hasText: '在册' }).waitFor()
    assert.doesNotMatch((await headRow.getAttribute('class')) || '', /member-gone/)
    await page.locator(`[data-test="timeline-entry"][data-kind="returned"][data-resident="${head.id}"]`).waitFor()

    // 死亡 of the elder: greyed as 已故, and nothing more is offered under 变动.
    const elderRow = memberRow(page, elderName)
    eventDialog = await startEvent(page, elderRow, '死亡', 'death')
    await eventDialog.locator('.el-alert', { hasText: '不能撤销' }).waitFor()
    done = await saveEvent(page, eventDialog, elder.id)
    assert.deepEqual(done.sent, { kind: 'death', date: todayBeijing() })
    assert.equal(done.reply.status, 'deceased')
    await elderRow.locator('[data-test="member-row-status"]', { hasText: '已故' }).waitFor()
    assert.match(await elderRow.getAttribute('class'), /member-gone/)
    assert.equal(await elderRow.locator('[data-test="member-actions"]').count(), 0)
    await page.locator(`[data-test="timeline-entry"][data-kind="died"][data-resident="${elder.id}"]`).waitFor()
    assert.equal(text(await page.locator('[data-test="household-file-members"]').textContent()), '在册 2 人（另有已故 1 人）')

    // The whole history, newest first (a new head is not a member's event).
    assert.deepEqual(await timeline(page), [
      ['died', elderName],
      ['returned', headName],
      ['moved_out', headName],
      ['moved_in', newName],
      ['created', elderName],
      ['created', headName],
    ])
    const kinds = await page.locator('[data-test="timeline-kind"]').allTextContents()
    assert.deepEqual(kinds.map(text), ['死亡', '迁回', '迁出', '迁入', '登记', '登记'])
    // The day of each event is the date given (today here).
    for (const ts of await page.locator('[data-test="household-timeline"] .el-timeline-item__timestamp').allTextContents()) {
      assert.equal(text(ts), todayBeijing())
    }
    await page.screenshot({ path: '/tmp/gz-e2e-events.png', fullPage: true })
    await page.locator('[data-test="history-panel"]').screenshot({ path: '/tmp/gz-e2e-history.png' })

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a member is transferred to another household of the village, found by its address', async () => {
  const { context, page, problems } = await openPage({ watchApi: true })
  const suffix = unique()
  const sonName = `分户子${suffix}`
  try {
    await signIn(page)
    const grid = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `分户网格${suffix}` })
    const from = await makeHousehold(page, grid.code, `高峰村分户组${suffix}号`, [
      { name: `分户父${suffix}`, gender: 'male', birth_date: '1960-01-02', relation: '户主' },
      { name: sonName, gender: 'male', birth_date: '1988-05-06', relation: '子' },
    ])
    const to = await makeHousehold(page, grid.code, `高峰村新户${suffix}号`, [
      { name: `新户主${suffix}`, gender: 'female', birth_date: '1990-02-03', relation: '户主' },
    ])
    const son = from.people[1]
    await openFile(page, from.household)

    // 分户/转入他户: the target household is searched by address within the village.
    const eventDialog = await startEvent(page, memberRow(page, sonName), '分户/转入他户', 'transfer')
    await eventDialog.locator('[data-test="event-save"]').click()
    await eventDialog.locator('.el-form-item__error', { hasText: '请选择转入的住户' }).waitFor()
    await eventDialog.locator('[data-test="event-household"]').click()
    const found = page.waitForResponse((res) => {
      const u = new URL(res.url())
      return u.pathname === '/api/v1/households' && u.searchParams.get('q') === `新户${suffix}`
    })
    await eventDialog.locator('[data-test="event-household"] input').fill(`新户${suffix}`)
    const search = await found
    assert.equal(new URL(search.url()).searchParams.get('under'), GAOFENG)
    const option = page.locator('.el-select-dropdown__item:visible', { hasText: to.household.address })
    await option.waitFor()
    assert.equal(await page.locator('.el-select-dropdown__item:visible').count(), 1)
    await option.click()
    await eventDialog.locator('[data-test="event-household"] .el-select__placeholder', { hasText: to.household.address }).waitFor()
    const { sent, reply } = await saveEvent(page, eventDialog, son.id)
    assert.deepEqual(sent, { kind: 'transfer', date: todayBeijing(), to_household_id: to.household.id })
    assert.equal(reply.household_id, to.household.id)
    assert.equal(reply.status, 'present')

    // The son has left this file; its timeline says where he went.
    await memberRow(page, sonName).waitFor({ state: 'detached' })
    const out = page.locator(`[data-test="timeline-entry"][data-kind="transferred"][data-resident="${son.id}"]`)
    await out.waitFor()
    assert.equal(text(await out.locator('[data-test="timeline-kind"]').textContent()), '分户/转入')
    assert.equal(text(await out.locator('[data-test="timeline-transfer"]').textContent()), '转往 新住户')

    // … and the other household's file lists him, with the same entry seen from there.
    await out.locator('[data-test="timeline-transfer"] a').click()
    await page.waitForURL(new RegExp(`/registry/households/${to.household.id}$`))
    await page.locator('[data-test="household-file-address"]', { hasText: to.household.address }).waitFor()
    const row = memberRow(page, sonName)
    await row.waitFor()
    assert.equal(text(await row.locator('[data-test="member-row-status"]').textContent()), '在册')
    const inn = page.locator(`[data-test="timeline-entry"][data-kind="transferred"][data-resident="${son.id}"]`)
    await inn.waitFor()
    assert.equal(text(await inn.locator('[data-test="timeline-transfer"]').textContent()), '由 原住户 转入本户')
    assert.equal(text(await page.locator('[data-test="household-file-members"]').textContent()), '在册 2 人')
    await page.screenshot({ path: '/tmp/gz-e2e-transfer.png', fullPage: true })

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a building moves to another grid of the village and gets a code under it', async () => {
  const { context, page, problems } = await openPage({ watchApi: true })
  const suffix = unique()
  const buildingName = `调整楼${suffix}`
  try {
    await signIn(page)
    const gridA = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `原网格${suffix}` })
    const gridB = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `新网格${suffix}` })
    const building = await apiCall(page, 'POST', '/buildings', { grid_code: gridA.code, name: buildingName, kind: 'building' })
    const { household } = await makeHousehold(page, building.code, `高峰村调整楼${suffix}-101`, [
      { name: `楼住户${suffix}`, gender: 'female', birth_date: '1985-04-05', relation: '户主' },
    ])

    await openInGaofeng(page, 'registry/grids', /\/registry\/grids$/)
    const cardA = page.locator(`[data-test="grid-card"][data-code="${gridA.code}"]`)
    await cardA.click()
    await page.locator('[data-test="grid-detail-name"]', { hasText: gridA.name }).waitFor()
    const row = page.locator('[data-test="buildings-table"] .el-table__row', { has: page.locator('[data-test="building-name"]', { hasText: buildingName }) })
    await row.waitFor()
    assert.equal(text(await row.locator('[data-test="building-code"]').textContent()), building.code)

    // 调整网格: the grid is required; the other grids of the village are offered, not this one.
    await row.locator('[data-test="building-move"]').click()
    const moveDialog = dialog(page, '调整网格')
    await moveDialog.waitFor()
    await moveDialog.locator('[data-test="building-move-save"]').click()
    await moveDialog.locator('.el-form-item__error', { hasText: '请选择要调整到的网格' }).waitFor()
    await moveDialog.locator('[data-test="building-move-grid"]').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: gridB.name }).waitFor()
    assert.equal(await page.locator('.el-select-dropdown__item:visible', { hasText: gridA.name }).count(), 0)
    await page.locator('.el-select-dropdown__item:visible', { hasText: gridB.name }).click()
    const moved = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith(`/api/v1/buildings/${building.code}/move`))
    await moveDialog.locator('[data-test="building-move-save"]').click()
    const res = await moved
    assert.equal(res.status(), 200)
    assert.deepEqual(res.request().postDataJSON(), { grid_code: gridB.code })
    const reply = await res.json()
    assert.equal(reply.moved_from, building.code)
    assert.match(reply.code, new RegExp(`^${gridB.code}\\d{3}$`))

    // The dialog shows both codes; the old grid no longer lists the building.
    const result = moveDialog.locator('[data-test="building-move-result"]')
    await result.waitFor()
    assert.equal(text(await result.locator('[data-test="building-move-old-code"]').textContent()), building.code)
    assert.equal(text(await result.locator('[data-test="building-move-new-code"]').textContent()), reply.code)
    assert.equal(text(await result.locator('[data-test="building-move-result-grid"]').textContent()), gridB.name)
    await page.screenshot({ path: '/tmp/gz-e2e-move.png' })
    await moveDialog.locator('[data-test="building-move-close"]').click()
    await moveDialog.waitFor({ state: 'hidden' })
    await row.waitFor({ state: 'detached' })
    await cardA.locator('[data-test="grid-buildings"]', { hasText: /^0$/ }).waitFor()

    // The new grid lists it under the new code, with its household.
    const cardB = page.locator(`[data-test="grid-card"][data-code="${gridB.code}"]`)
    await cardB.locator('[data-test="grid-households"]', { hasText: /^1$/ }).waitFor()
    await cardB.click()
    await page.locator('[data-test="grid-detail-name"]', { hasText: gridB.name }).waitFor()
    await row.waitFor()
    assert.equal(text(await row.locator('[data-test="building-code"]').textContent()), reply.code)
    const file = await apiCall(page, 'GET', `/households/${household.id}`)
    assert.equal(file.place_code, reply.code)

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a cadre adds a care tag; it is offered when adding a member, counted, and opens 居民查询', async () => {
  const suffix = unique()
  const tag = `关爱${suffix}`
  // Adding the tag a second time is refused (409) on purpose.
  const { context, page, problems } = await openPage({
    watchApi: true,
    expected: (res) => res.status() === 409 && res.request().method() === 'POST' && res.url().endsWith('/api/v1/care-tags'),
  })
  const babyName = `新生儿${suffix}`
  try {
    await signIn(page)
    const grid = await apiCall(page, 'POST', '/grids', { village_code: GAOFENG, name: `标签网格${suffix}` })
    const { household } = await makeHousehold(page, grid.code, `高峰村标签组${suffix}号`, [
      { name: `标签户主${suffix}`, gender: 'male', birth_date: '1992-06-07', relation: '户主' },
    ])

    // 关爱标签 in 高峰村: the tags and their counts; 新增标签 (the name is required).
    await openInGaofeng(page, 'registry/care-tags', /\/registry\/care-tags$/)
    await page.locator('[data-test="care-tags-title"]', { hasText: '高峰村民委员会' }).waitFor()
    const tagsTable = page.locator('[data-test="care-tags-table"]')
    await tagsTable.locator('[data-test="care-tag-name"]', { hasText: '老年人' }).waitFor()
    await page.locator('[data-test="care-tag-new"]').click()
    const tagDialog = dialog(page, '新增关爱标签')
    await tagDialog.waitFor()
    await tagDialog.locator('[data-test="care-tag-save"]').click()
    await tagDialog.locator('.el-form-item__error', { hasText: '请输入标签名称' }).waitFor()
    await tagDialog.locator('input[data-test="care-tag-input"]').fill(tag)
    const created = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/v1/care-tags'))
    await tagDialog.locator('[data-test="care-tag-save"]').click()
    const createdRes = await created
    assert.equal(createdRes.status(), 201)
    assert.deepEqual(createdRes.request().postDataJSON(), { tag })
    await tagDialog.waitFor({ state: 'hidden' })
    const tagRow = tagsTable.locator('.el-table__row', { has: page.locator('[data-test="care-tag-name"]', { hasText: tag }) })
    await tagRow.waitFor()
    assert.equal(text(await tagRow.locator('[data-test="care-tag-count"]').textContent()), '0 人')

    // The same tag again: 409, said under the field.
    await page.locator('[data-test="care-tag-new"]').click()
    await tagDialog.waitFor()
    await tagDialog.locator('input[data-test="care-tag-input"]').fill(tag)
    const again = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/v1/care-tags'))
    await tagDialog.locator('[data-test="care-tag-save"]').click()
    assert.equal((await again).status(), 409)
    await tagDialog.locator('.el-form-item__error', { hasText: `标签「${tag}」已存在` }).waitFor()
    await tagDialog.locator('.el-button', { hasText: '取消' }).click()
    await tagDialog.waitFor({ state: 'hidden' })

    // 添加成员 (登记方式 出生): the new tag is offered.
    await openFile(page, household)
    await page.locator('[data-test="member-new"]').click()
    const memberDialog = dialog(page, '添加成员')
    await memberDialog.waitFor()
    await memberDialog.locator('[data-test="member-arrival-birth"]').click()
    await memberDialog.locator('input[data-test="member-name"]').fill(babyName)
    await memberDialog.locator('.el-radio', { hasText: '女' }).click()
    const birth = memberDialog.locator('[data-test="member-birth"] input')
    await birth.fill(todayBeijing())
    await birth.press('Enter')
    await choose(page, memberDialog.locator('[data-test="member-relation"]'), /^\s*女\s*$/)
    await choose(page, memberDialog.locator('[data-test="member-tags"]'), tag)
    await memberDialog.locator('.el-dialog__title').click() // close the tag dropdown
    const added = page.waitForResponse((res) => res.request().method() === 'POST' && res.url().endsWith('/api/v1/residents'))
    await memberDialog.locator('[data-test="member-save"]').click()
    const addedRes = await added
    assert.equal(addedRes.status(), 201)
    const body = addedRes.request().postDataJSON()
    assert.equal(body.arrival, 'birth')
    assert.deepEqual(body.tags, [tag])
    const baby = await addedRes.json()
    await memberDialog.waitFor({ state: 'hidden' })
    await memberRow(page, babyName).locator('[data-test="member-row-tags"]', { hasText: tag }).waitFor()
    await page.locator(`[data-test="timeline-entry"][data-kind="born"][data-resident="${baby.id}"]`, { hasText: '出生' }).waitFor()

    // Counted on the tag page; the count opens 居民查询 with the tag chosen.
    await openInGaofeng(page, 'registry/care-tags', /\/registry\/care-tags$/)
    await tagRow.locator('[data-test="care-tag-count"]', { hasText: '1 人' }).waitFor()
    await page.screenshot({ path: '/tmp/gz-e2e-tags.png', fullPage: true })
    const searched = page.waitForResponse((res) => {
      const u = new URL(res.url())
      return u.pathname === '/api/v1/residents' && u.searchParams.get('tag') === tag
    })
    await tagRow.locator('[data-test="care-tag-count"]').click()
    await page.waitForURL((url) => url.pathname === '/registry/residents' && url.searchParams.get('tag') === tag)
    const search = await searched
    assert.equal(new URL(search.url()).searchParams.get('under'), GAOFENG)
    await page.locator('[data-test="resident-tag"] .el-select__placeholder', { hasText: tag }).waitFor()
    const hits = page.locator('[data-test="residents-table"] .el-table__row')
    await hits.locator('[data-test="resident-name"]', { hasText: babyName }).waitFor()
    assert.equal(await hits.count(), 1)

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
