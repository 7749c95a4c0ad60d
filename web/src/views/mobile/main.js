// Entry of the residents' phone pages (m.html: 扫码自助, 进度查询, 公开栏): Vue, its own router and
// Vant only — no Element Plus, no ECharts, nothing of the console. The server answers every /m/…
// path with m.html (src/http/server.c), the console's paths with index.html.
import { createApp } from 'vue'
import App from '../../App.vue'
import { router } from './router.js'
import './base.css'

createApp(App).use(router).mount('#app')
