// The console's modules: one line each gives a page its route and its sidebar entry.
//   path   route path (params allowed);  menu  the link in the sidebar (defaults to path)
//   title  sidebar text and page title;   icon  from @element-plus/icons-vue
//   roles  roles that may open it (absent: every signed-in user);  page  the lazily loaded view
// Only modules that exist get a line: no entries for pages not written yet.
import { Document, MapLocation } from '@element-plus/icons-vue'

export const modules = [
  { path: '/places/:code?', menu: '/places', title: '行政区划', icon: MapLocation, page: () => import('./views/places/PlacesPage.vue') },
  { path: '/audit', title: '操作日志', icon: Document, roles: ['admin', 'official'], page: () => import('./views/AuditPage.vue') },
]
