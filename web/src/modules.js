// The console's modules: one line each gives a page its route and its sidebar entry.
//   path   route path (params allowed);  menu  the link in the sidebar (defaults to path)
//   title  sidebar text and page title;   icon  from @element-plus/icons-vue
//   roles  roles that may open it (absent: every signed-in user);  page  the lazily loaded view
// Only modules that exist get a line: no entries for pages not written yet.
import { Bell, CollectionTag, Document, Grid, House, MapLocation, Search } from '@element-plus/icons-vue'

export const modules = [
  { path: '/places/:code?', menu: '/places', title: '行政区划', icon: MapLocation, page: () => import('./views/places/PlacesPage.vue') },
  { path: '/registry/grids', title: '网格管理', icon: Grid, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/GridsPage.vue') },
  { path: '/registry/households/:id?', menu: '/registry/households', title: '住户档案', icon: House, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/HouseholdsPage.vue') },
  { path: '/registry/visits', title: '走访提醒', icon: Bell, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/VisitsPage.vue') },
  { path: '/registry/residents', title: '居民查询', icon: Search, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/ResidentsPage.vue') },
  { path: '/registry/care-tags', title: '关爱标签', icon: CollectionTag, roles: ['admin', 'cadre', 'grid_worker', 'official', 'supervisor'], page: () => import('./views/registry/CareTagsPage.vue') },
  { path: '/audit', title: '操作日志', icon: Document, roles: ['admin', 'official'], page: () => import('./views/AuditPage.vue') },
]
