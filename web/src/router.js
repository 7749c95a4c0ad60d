// Routes: the sign-in page, the residents' phone pages (/m/…, no account, no console chrome), then
// every module from modules.js inside the layout. The guard sends anyone not signed in to
// /login?redirect=<where they wanted to go>.
import { createRouter, createWebHistory } from 'vue-router'
import { ElMessage } from 'element-plus'
import { onUnauthorized } from './api.js'
import { modules } from './modules.js'
import { HOME, safeRedirect } from './redirect.js'
import { forgetSession, hasRole, restoreSession, session } from './session.js'
import AppLayout from './layout/AppLayout.vue'
import LoginPage from './views/LoginPage.vue'

const moduleRoutes = modules.map((m, i) => ({
  path: m.path.replace(/^\//, ''),
  name: `module-${i}`,
  component: m.page,
  meta: { title: m.title, roles: m.roles, menu: m.menu || m.path },
}))

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: '登录' } },
    // 扫码自助 · 进度查询: for residents on a phone (Vant, loaded only here), outside the layout.
    { path: '/m/report/:code', name: 'm-report', component: () => import('./views/mobile/ReportPage.vue'), meta: { public: true, phone: true, title: '我要反映' } },
    { path: '/m/track/:tracking?', name: 'm-track', component: () => import('./views/mobile/TrackPage.vue'), meta: { public: true, phone: true, title: '进度查询' } },
    { path: '/m/board/:code', name: 'm-board', component: () => import('./views/mobile/BoardPage.vue'), meta: { public: true, phone: true, title: '公开栏' } },
    // 扫码签到 · 投票 (docs/modules/council.md): a resident signs in on the phone page itself.
    { path: '/m/meeting/:id(\\d+)', name: 'm-meeting', component: () => import('./views/mobile/MeetingPage.vue'), meta: { public: true, phone: true, title: '会议签到与投票' } },
    { path: '/m/election/:id(\\d+)', name: 'm-election', component: () => import('./views/mobile/ElectionPage.vue'), meta: { public: true, phone: true, title: '选举投票' } },
    { path: '/m/:rest(.*)*', redirect: { name: 'm-track', params: {} } }, // /m, /m/report without a code, a typo
    {
      path: '/',
      component: AppLayout,
      children: [
        { path: '', redirect: HOME },
        ...moduleRoutes,
        { path: ':rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundPage.vue'), meta: { title: '页面不存在' } },
      ],
    },
  ],
})

router.beforeEach(async (to) => {
  // The phone pages never need to know who is signed in (no GET /auth/me for a resident).
  if (to.meta.phone) return true
  await restoreSession()
  if (to.meta.public) {
    if (to.name === 'login' && session.user) return safeRedirect(to.query.redirect)
    return true
  }
  if (!session.user) {
    return { name: 'login', query: to.fullPath && to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  const roles = to.matched.reduce((acc, r) => r.meta.roles || acc, null)
  if (!hasRole(roles)) {
    ElMessage({ type: 'warning', message: '无权访问该页面', grouping: true })
    return HOME
  }
  return true
})

router.afterEach((to) => {
  const title = to.meta.title
  document.title = title ? `${title} · 共治` : '共治 · 基层治理平台'
})

onUnauthorized((err) => {
  const current = router.currentRoute.value
  forgetSession()
  if (current.name === 'login') return
  ElMessage({ type: 'warning', message: err.message, grouping: true })
  router.replace({ name: 'login', query: { redirect: current.fullPath } })
})
