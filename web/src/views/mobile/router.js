// Routes of the phone pages (m.html). Public, no account: nothing here asks who is signed in, and
// a wrong /m/… address lands on 进度查询, never on the console's sign-in page. The console's own
// links to these pages are plain hrefs (a full load of m.html), never router links.
import { createRouter, createWebHistory } from 'vue-router'

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/m/report/:code', name: 'm-report', component: () => import('./ReportPage.vue'), meta: { title: '我要反映' } },
    { path: '/m/track/:tracking?', name: 'm-track', component: () => import('./TrackPage.vue'), meta: { title: '进度查询' } },
    { path: '/m/board/:code', name: 'm-board', component: () => import('./BoardPage.vue'), meta: { title: '公开栏' } },
    // 扫码签到 · 投票 (docs/modules/council.md): a resident signs in on the phone page itself.
    { path: '/m/meeting/:id(\\d+)', name: 'm-meeting', component: () => import('./MeetingPage.vue'), meta: { title: '会议签到与投票' } },
    { path: '/m/election/:id(\\d+)', name: 'm-election', component: () => import('./ElectionPage.vue'), meta: { title: '选举投票' } },
    // /m, /m/report without a code, a typo — and m.html itself, opened by its own name.
    { path: '/:rest(.*)*', redirect: { name: 'm-track', params: {} } },
  ],
})

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · 共治` : '共治 · 民情诉求'
})
