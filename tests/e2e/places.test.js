// Browser test of the console as a person uses it: sign in, walk the tree of places down to
// 利川市, search 高峰 within it, open 高峰村民委员会; and a wrong password is refused in Chinese.
// Needs a running server with the national places imported and a user:
//   GZ_BASE_URL=http://127.0.0.1:8080 GZ_USER=… GZ_PASSWORD=… node --test tests/e2e/
// (tests/e2e/serve.js starts one and runs this.) Uses Debian's chromium, never a downloaded one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, GAOFENG, PASSWORD, USER, openPage, requireServer, signIn, text, useBrowser } from './lib.js'

const SCREENSHOT = '/tmp/gz-e2e-places.png'
requireServer()

const LICHUAN = '422802'
const GAOFENG_PATH = '湖北省 › 恩施土家族苗族自治州 › 利川市 › 文斗镇 › 高峰村民委员会'

useBrowser()

test('sign in, open 利川市 in the tree, search 高峰 within it and open 高峰村民委员会', async () => {
  const { context, page, problems } = await openPage()
  try {
    await signIn(page, USER, PASSWORD, { waitFor: 'nothing' })
    // The path itself, not "/login?redirect=/places", which the pattern would also match.
    await page.waitForURL((u) => u.pathname === '/places' || u.pathname.startsWith('/places/'))
    await assert.doesNotReject(page.locator('[data-test="user-name"]').waitFor())

    // The national page: 31 provinces in the tree.
    const tree = page.locator('[data-test="place-tree"]')
    await tree.locator('[data-code="42"]').waitFor()
    assert.equal(await tree.locator('[data-test="tree-node"]').count(), 31)

    // 湖北省 → 恩施土家族苗族自治州 → 利川市: each click opens the place and expands it.
    for (const [code, name] of [['42', '湖北省'], ['4228', '恩施土家族苗族自治州'], [LICHUAN, '利川市']]) {
      const node = tree.locator(`[data-code="${code}"]`)
      await node.waitFor()
      assert.equal(text(await node.textContent()), name)
      // A tree that is still re-rendering the level just loaded can swallow the first click:
      // click again once if the page has not moved.
      await node.click()
      try {
        await page.waitForURL(new RegExp(`/places/${code}$`), { timeout: 8000 })
      } catch {
        await node.click()
        await page.waitForURL(new RegExp(`/places/${code}$`))
      }
      await page.locator('[data-test="place-code"]', { hasText: code }).waitFor()
      assert.equal(text(await page.locator('[data-test="place-name"]').textContent()), name)
    }

    // The search is now restricted to 利川市.
    const scope = page.locator('[data-test="search-scope"]')
    await scope.waitFor()
    assert.match(text(await scope.textContent()), /在 利川市 内搜索/)

    await page.locator('[data-test="place-search"]').fill('高峰')
    const hit = page.locator(`[data-test="search-result"][data-code="${GAOFENG}"]`)
    await hit.waitFor()
    assert.equal(text(await hit.locator('[data-test="search-result-path"]').textContent()), GAOFENG_PATH)
    assert.equal(text(await hit.locator('[data-test="search-result-code"]').textContent()), GAOFENG)
    // Every hit lies in 利川市.
    for (const code of await page.locator('[data-test="search-result"]').evaluateAll((els) => els.map((e) => e.dataset.code))) {
      assert.ok(code.startsWith(LICHUAN), `hit ${code} is outside 利川市`)
    }

    await hit.click()
    await page.waitForURL(new RegExp(`/places/${GAOFENG}$`))
    await page.locator('[data-test="place-code"]', { hasText: GAOFENG }).waitFor()
    assert.equal(text(await page.locator('[data-test="place-name"]').textContent()), '高峰村民委员会')
    assert.equal(text(await page.locator('[data-test="place-code"]').textContent()), GAOFENG)
    assert.equal(text(await page.locator('[data-test="place-level"]').textContent()), '村级')
    const crumbs = text(await page.locator('[data-test="place-breadcrumb"]').textContent())
    for (const name of ['全国', '湖北省', '恩施土家族苗族自治州', '利川市', '文斗镇', '高峰村民委员会']) {
      assert.ok(crumbs.includes(name), `breadcrumb "${crumbs}" lacks ${name}`)
    }
    // The tree followed: 高峰村民委员会 is shown and current.
    await tree.locator(`.is-current [data-code="${GAOFENG}"]`).waitFor()

    // Only for the picture: let the tree's expand animation and its scroll to the node settle.
    await page.waitForTimeout(700)
    await page.screenshot({ path: SCREENSHOT, fullPage: false })
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('a wrong password is refused with 用户名或密码错误', async () => {
  const { context, page, problems } = await openPage()
  try {
    await signIn(page, USER, `${PASSWORD}-wrong`, { waitFor: 'nothing' })
    const error = page.locator('[data-test="login-error"]')
    await error.waitFor()
    assert.match(text(await error.textContent()), /用户名或密码错误/)
    assert.match(page.url(), /\/login/)
    // Still signed out: opening a page leads back to sign-in.
    await page.goto(`${BASE}/places`)
    await page.waitForURL(/\/login\?redirect=/)
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})

test('signing out ends the session', async () => {
  const { context, page, problems } = await openPage()
  try {
    await signIn(page, USER, PASSWORD, { waitFor: 'nothing' })
    await page.waitForURL(/\/places(\/|$)/)
    await page.locator('[data-test="logout"]').click()
    await page.waitForURL(/\/login(\?|$)/)
    // The server dropped the session (the logout carried the CSRF token): pages need sign-in again.
    await page.goto(`${BASE}/places/4228`)
    await page.waitForURL(/\/login\?redirect=/)
    // Signing in again returns to the page that was asked for.
    await page.locator('[data-test="login-username"]').fill(USER)
    await page.locator('[data-test="login-password"]').fill(PASSWORD)
    await page.locator('[data-test="login-submit"]').click()
    await page.waitForURL(/\/places\/4228$/)
    await page.locator('[data-test="place-name"]', { hasText: '恩施土家族苗族自治州' }).waitFor()
    assert.deepEqual(problems, [])
  } finally {
    await context.close()
  }
})
