// Browser test of the registry pages (一户一档 · 网格) as a village cadre uses them: choose
// 利川市 › 文斗镇 › 高峰村民委员会, create a grid, a household in it, open its file, add a member
// with a citizen ID number (a wrong check digit is refused under the field), and find the member
// again by the last four digits of the phone in 居民查询.
// Needs a running server with the national places imported and a cadre whose scope holds
// 高峰村民委员会 (tests/e2e/serve.js starts one: `tester`, cadre, scope 4228 = 恩施州):
//   GZ_BASE_URL=http://127.0.0.1:8080 GZ_USER=… GZ_PASSWORD=… node --test tests/e2e/registry.test.js
// The member's ID number is fixed, so against a long-running server the test passes once (a second
// run is refused as a duplicate ID number); serve.js starts a fresh server every time.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  GAOFENG, GAOFENG_CHAIN as CHAIN, PASSWORD, USER, choose, dialog, openPage, requireServer, signIn, text, useBrowser,
  withCheckDigit,
} from './lib.js'

const SCREENSHOT = '/tmp/gz-e2e-registry.png'
requireServer()

// 张三, male, born 1980-05-06: the 17th digit (1) is odd, as it must be for a man.
const FIRST17 = '42280219800506001'
const ID_NUMBER = withCheckDigit(FIRST17)
const WRONG_ID = withCheckDigit(FIRST17, { wrong: true })

useBrowser()

test('a cadre creates a grid, a household and a member, and finds the member again', async () => {
  const { context, page, problems } = await openPage({
    watchApi: true,
    // The wrong ID number the test sends on purpose.
    expected: (res) => res.status() === 422 && res.url().endsWith('/api/v1/residents'),
  })
  const suffix = `${Date.now().toString(36).slice(-4)}${Math.floor(Math.random() * 1000)}`
  const gridName = `测试网格${suffix}`
  const address = `高峰村测试组${suffix}号`
  const phone4 = String(1000 + Math.floor(Math.random() * 9000))
  const phone = `1390000${phone4}`
  try {
    await signIn(page, USER, PASSWORD, { waitFor: 'url' })

    // 网格管理: the picker starts at the user's scope, 恩施州; walk down to 高峰村民委员会.
    await page.locator('[data-test="menu-registry/grids"]').click()
    await page.waitForURL(/\/registry\/grids$/)
    const picker = page.locator('[data-test="place-picker"] .el-cascader')
    await picker.waitFor()
    await picker.click()
    for (const [code, name] of CHAIN) {
      const node = page.locator(`[data-test="picker-node"][data-code="${code}"]`)
      await node.waitFor()
      assert.equal(text(await node.textContent()), name)
      await node.click()
    }
    await page.locator('[data-test="grids-title"]', { hasText: '高峰村民委员会' }).waitFor()
    assert.equal(text(await page.locator('[data-test="place-picker-level"]').textContent()), '村级')

    // 新建网格: empty name is refused in Chinese, then the grid is created and shown with 0 households.
    await page.locator('[data-test="grid-new"]').click()
    const gridDialog = dialog(page, '新建网格')
    await gridDialog.waitFor()
    await gridDialog.locator('[data-test="grid-save"]').click()
    await gridDialog.locator('.el-form-item__error', { hasText: '请输入网格名称' }).waitFor()
    await gridDialog.locator('input[data-test="grid-name-input"]').fill(gridName)
    await gridDialog.locator('textarea[data-test="grid-note-input"]').fill('浏览器测试建立')
    await gridDialog.locator('[data-test="grid-save"]').click()
    await gridDialog.waitFor({ state: 'hidden' })
    const card = page.locator('[data-test="grid-card"]', { has: page.locator('[data-test="grid-name"]', { hasText: gridName }) })
    await card.waitFor()
    const gridCode = await card.getAttribute('data-code')
    assert.match(gridCode, new RegExp(`^${GAOFENG}\\d{3}$`))
    assert.equal(text(await card.locator('[data-test="grid-households"]').textContent()), '0')
    assert.equal(text(await card.locator('[data-test="grid-residents"]').textContent()), '0')
    // The new grid is opened: its (empty) buildings.
    await page.locator('[data-test="grid-detail-name"]', { hasText: gridName }).waitFor()

    // 住户档案: still in 高峰村民委员会; create a household in the new grid.
    await page.locator('[data-test="menu-registry/households"]').click()
    await page.waitForURL(/\/registry\/households$/)
    await page.locator('[data-test="households-table"]').waitFor()
    await page.locator('[data-test="household-new"]').click()
    const hhDialog = dialog(page, '新建住户')
    await hhDialog.waitFor()
    await hhDialog.locator('[data-test="household-save"]').click()
    await hhDialog.locator('.el-form-item__error', { hasText: '请输入地址' }).waitFor()
    await choose(page, hhDialog.locator('[data-test="household-place-select"]'), gridName)
    await hhDialog.locator('input[data-test="household-address-input"]').fill(address)
    await hhDialog.locator('[data-test="household-save"]').click()
    await hhDialog.waitFor({ state: 'hidden' })
    const link = page.locator('[data-test="household-address"]', { hasText: address })
    await link.waitFor()
    const row = page.locator('[data-test="households-table"] .el-table__row', { has: link })
    assert.equal(text(await row.locator('[data-test="household-place"]').textContent()), gridName)
    assert.equal(text(await row.locator('[data-test="household-members"]').textContent()), '0')

    // The household's file.
    await link.click()
    await page.waitForURL(/\/registry\/households\/\d+$/)
    const fileUrl = page.url()
    assert.equal(text(await page.locator('[data-test="household-file-address"]').textContent()), address)
    const path = text(await page.locator('[data-test="household-file-path"]').textContent())
    for (const name of ['利川市', '文斗镇', '高峰村民委员会', gridName]) assert.ok(path.includes(name), `path "${path}" lacks ${name}`)

    // 添加成员 张三 with a wrong check digit first: the server's reason shows under the field.
    await page.locator('[data-test="member-new"]').click()
    const memberDialog = dialog(page, '添加成员')
    await memberDialog.waitFor()
    await memberDialog.locator('input[data-test="member-name"]').fill('张三')
    await memberDialog.locator('.el-radio', { hasText: '男' }).click()
    const birth = memberDialog.locator('[data-test="member-birth"] input')
    await birth.fill('1980-05-06')
    await birth.press('Enter')
    await memberDialog.locator('input[data-test="member-id-number"]').fill(WRONG_ID)
    await memberDialog.locator('input[data-test="member-phone"]').fill(phone)
    // The first member is preset as 户主.
    assert.equal(text(await memberDialog.locator('[data-test="member-relation"] .el-select__placeholder').textContent()), '户主')
    await choose(page, memberDialog.locator('[data-test="member-tags"]'), '退役军人')
    await memberDialog.locator('.el-dialog__title').click() // close the tag dropdown
    await memberDialog.locator('[data-test="member-save"]').click()
    const idError = memberDialog.locator('[data-test="member-id-error"]')
    await idError.waitFor()
    const idErrorText = text(await idError.textContent())
    assert.match(idErrorText, /^字段取值无效：\S/, `id error "${idErrorText}"`)
    assert.match(idErrorText, /check digit/)
    assert.ok(await memberDialog.isVisible(), 'the dialog stays open after the refusal')

    // The right number is accepted; the member is listed with the ID number in full (cadre).
    await memberDialog.locator('input[data-test="member-id-number"]').fill(ID_NUMBER)
    await idError.waitFor({ state: 'detached' }) // the server's error goes once the field is edited
    await memberDialog.locator('[data-test="member-save"]').click()
    await memberDialog.waitFor({ state: 'hidden' })
    const member = page.locator('[data-test="members-table"] .el-table__row', { hasText: '张三' })
    await member.waitFor()
    assert.equal(text(await member.locator('[data-test="member-row-id"]').textContent()), ID_NUMBER)
    assert.equal(text(await member.locator('[data-test="member-row-gender"]').textContent()), '男')
    assert.equal(text(await member.locator('[data-test="member-row-relation"]').textContent()), '户主')
    assert.equal(text(await member.locator('[data-test="member-row-phone"]').textContent()), phone)
    assert.match(text(await member.locator('[data-test="member-row-birth"]').textContent()), /^1980-05-06（\d+ 岁）$/)
    assert.match(text(await member.locator('[data-test="member-row-tags"]').textContent()), /退役军人/)
    assert.equal(text(await member.locator('[data-test="member-row-status"]').textContent()), '在册')
    assert.equal(text(await member.locator('[data-test="member-row-more"]').textContent()), '汉族 · 本地 · 群众')
    // The first 户主 became the household head.
    await page.locator('[data-test="household-file-head"]', { hasText: '张三' }).waitFor()

    // 编辑: 政治面貌 群众 → 中共党员; only that field is sent.
    await member.locator('[data-test="member-edit"]').click()
    const editDialog = dialog(page, '编辑成员')
    await editDialog.waitFor()
    assert.equal(await editDialog.locator('input[data-test="member-id-number"]').inputValue(), ID_NUMBER)
    const patch = page.waitForRequest((req) => req.method() === 'PATCH' && /\/api\/v1\/residents\/\d+$/.test(req.url()))
    await choose(page, editDialog.locator('[data-test="member-political"]'), '中共党员')
    await editDialog.locator('[data-test="member-save"]').click()
    assert.deepEqual((await patch).postDataJSON(), { political: '中共党员' })
    await editDialog.waitFor({ state: 'hidden' })
    await member.locator('[data-test="member-row-more"]', { hasText: '中共党员' }).waitFor()
    await page.waitForTimeout(300) // let the dialog's closing fade finish, only for the picture
    await page.screenshot({ path: SCREENSHOT, fullPage: true })

    // 居民查询 by the last four digits of the phone finds 张三 and leads back to the file.
    await page.locator('[data-test="menu-registry/residents"]').click()
    await page.waitForURL(/\/registry\/residents$/)
    await page.locator('[data-test="residents-table"]').waitFor()
    await page.locator('input[data-test="resident-phone4"]').fill('12')
    await page.locator('[data-test="resident-search"]').click()
    await page.locator('.el-form-item__error', { hasText: '请输入手机号码的后 4 位数字' }).waitFor()
    await page.locator('input[data-test="resident-phone4"]').fill(phone4)
    await page.locator('[data-test="resident-search"]').click()
    const hit = page.locator('[data-test="residents-table"] .el-table__row', {
      has: page.locator('[data-test="resident-phone"]', { hasText: phone }),
    })
    await hit.waitFor()
    assert.equal(text(await hit.locator('[data-test="resident-name"]').textContent()), '张三')
    assert.equal(text(await hit.locator('[data-test="resident-id"]').textContent()), ID_NUMBER)
    for (const p of await page.locator('[data-test="residents-table"] [data-test="resident-phone"]').allTextContents()) {
      assert.ok(text(p).endsWith(phone4), `hit ${p} does not end in ${phone4}`)
    }
    await hit.locator('[data-test="resident-household"]').click()
    await page.waitForURL(fileUrl)
    await page.locator('[data-test="household-file-address"]', { hasText: address }).waitFor()

    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
