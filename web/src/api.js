// The console's API calls: everything of http.js (request, api, download, getAll, ApiError …), plus
// showError, which shows a failure with Element Plus. The phone pages import http.js directly, so
// Element Plus never reaches a phone.
import { ElMessage } from 'element-plus'

export * from './http.js'

/** Shows a failed call to the person; 401s that already sent them to sign in are not repeated. */
export function showError(e) {
  if (!e || e.name === 'AbortError' || e.handled) return
  ElMessage({ type: 'error', message: e.message || '请求失败', grouping: true, showClose: true })
}
