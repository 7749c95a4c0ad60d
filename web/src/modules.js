// The console's modules: one line each gives a page its route and its sidebar entry.
//   path   route path (params allowed);  menu  the link in the sidebar (defaults to path)
//   title  sidebar text and page title;   icon  from @element-plus/icons-vue
//   roles  roles that may open it (absent: every signed-in user);  page  the lazily loaded view
// Only modules that exist get a line: no entries for pages not written yet.
import {
  Bell, Calendar, ChatDotRound, Collection, CollectionTag, DataAnalysis, Document, Grid, House, MapLocation, Memo, Notebook, OfficeBuilding, Postcard, Search, Tickets, Timer, Trophy, UserFilled,
} from '@element-plus/icons-vue'
import { session } from './session.js'

export const modules = [
  { path: '/places/:code?', menu: '/places', title: '行政区划', icon: MapLocation, page: () => import('./views/places/PlacesPage.vue') },
  // 民情诉求 (docs/modules/cases.md). A department user sees the list as its queue, 部门待办.
  {
    path: '/cases/:id(\\d+)?',
    menu: '/cases',
    get title() {
      return session.user && session.user.role === 'department' ? '部门待办' : '诉求受理'
    },
    icon: ChatDotRound,
    roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson', 'department'],
    page: () => import('./views/cases/CasesPage.vue'),
  },
  { path: '/cases/figures', title: '统计分析', icon: DataAnalysis, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker'], page: () => import('./views/cases/FiguresPage.vue') },
  { path: '/cases/departments', title: '部门管理', icon: OfficeBuilding, roles: ['admin', 'official'], page: () => import('./views/cases/DepartmentsPage.vue') },
  { path: '/cases/resources', title: '资源清单', icon: Collection, roles: ['admin', 'official', 'cadre', 'grid_worker'], page: () => import('./views/cases/ResourcesPage.vue') },
  { path: '/cases/poster', title: '扫码海报', icon: Postcard, roles: ['admin', 'official', 'cadre', 'grid_worker'], page: () => import('./views/cases/PosterPage.vue') },
  // 议事协商 (docs/modules/council.md)
  { path: '/council/meetings/:id(\\d+)?', menu: '/council/meetings', title: '议事协商', icon: Calendar, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson'], page: () => import('./views/council/MeetingsPage.vue') },
  { path: '/council/elections/:id(\\d+)?', menu: '/council/elections', title: '选举', icon: Tickets, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson'], page: () => import('./views/council/ElectionsPage.vue') },
  { path: '/council/selections/:id(\\d+)?', menu: '/council/selections', title: '项目评审', icon: Trophy, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker'], page: () => import('./views/council/SelectionsPage.vue') },
  { path: '/council/members', title: '代表名册', icon: UserFilled, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker', 'spokesperson'], page: () => import('./views/council/MembersPage.vue') },
  { path: '/registry/grids', title: '网格管理', icon: Grid, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/GridsPage.vue') },
  { path: '/registry/households/:id?', menu: '/registry/households', title: '住户档案', icon: House, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/HouseholdsPage.vue') },
  { path: '/registry/visits', title: '走访提醒', icon: Bell, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/VisitsPage.vue') },
  { path: '/registry/residents', title: '居民查询', icon: Search, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/ResidentsPage.vue') },
  { path: '/registry/care-tags', title: '关爱标签', icon: CollectionTag, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/CareTagsPage.vue') },
  // 公开栏 · 四议两公开 (docs/modules/board.md).
  { path: '/board', title: '公开栏', icon: Notebook, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker'], page: () => import('./views/board/BoardPage.vue') },
  { path: '/board/procedures/:id(\\d+)?', menu: '/board/procedures', title: '四议两公开', icon: Memo, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker'], page: () => import('./views/board/ProceduresPage.vue') },
  { path: '/board/schedule', title: '公开时限', icon: Timer, roles: ['admin', 'official', 'cadre', 'supervisor', 'grid_worker'], page: () => import('./views/board/SchedulePage.vue') },
  { path: '/audit', title: '操作日志', icon: Document, roles: ['admin', 'official'], page: () => import('./views/AuditPage.vue') },
]
