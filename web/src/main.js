// Entry of the 共治 web console: Element Plus (zh-CN), the router, the app shell.
import { createApp } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import { ElementPlus } from './element.js'
import App from './App.vue'
import { router } from './router.js'
import './style.css'

const app = createApp(App)
app.use(ElementPlus, { locale: zhCn })
app.use(router)
app.mount('#app')
