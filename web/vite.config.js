// Vite build of the 共治 web console: `npx vite build web` (from the repo root) writes web/dist,
// which the C server serves next to the JSON API under /api/v1. Two pages: index.html (the console:
// Element Plus, ECharts) and m.html (the residents' phone pages under /m/…: Vant only).
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// `npx vite web` (dev server) forwards the API to a running gongzhi server.
const apiTarget = process.env.GZ_API_URL || 'http://127.0.0.1:8080'

const page = (name) => fileURLToPath(new URL(name, import.meta.url))

// The dev server answers /m and /m/… with m.html, as the C server does (src/http/server.c).
const phonePages = {
  name: 'gz-phone-pages',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url === '/m' || req.url.startsWith('/m/') || req.url.startsWith('/m?')) req.url = '/m.html'
      next()
    })
  },
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue(), phonePages],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rollupOptions: {
      input: { index: page('index.html'), m: page('m.html') },
      output: {
        // Vue and the router change less often than our pages: keep them in a cacheable chunk.
        // (Element Plus is left to Rollup: a manualChunks rule for it defeats tree-shaking.)
        manualChunks: { vue: ['vue', 'vue-router'] },
      },
    },
  },
  server: {
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
})
