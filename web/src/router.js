// Routes: the sign-in page, then every module from modules.js inside the layout (the residents'
// phone pages /m/… are another page, m.html, with their own router: views/mobile/router.js).
// The guard sends anyone not signed in to /login?redirect=<where they wanted to go>.
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
