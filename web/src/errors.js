// The one table of Chinese messages for the API's error codes ({"error":{"code","message","field"}}).
// Add a line here whenever the server gains a code; anything unknown falls back to the server's text.

export const ERROR_MESSAGES = Object.freeze({
  bad_request: '请求格式错误',
  invalid_json: '请求内容不是合法的 JSON',
  invalid_utf8: '请求内容含有非法字符编码',
  missing_field: '缺少必填项',
  unknown_field: '含有未知字段',
  invalid_type: '字段类型错误',
  invalid_value: '字段取值无效',
  unauthorized: '请先登录',
  session_expired: '登录已过期，请重新登录',
  bad_credentials: '用户名或密码错误',
  forbidden: '无权执行此操作',
  csrf_failed: '页面已过期，请刷新后重试',
  not_found: '未找到',
  method_not_allowed: '不支持的请求方法',
  conflict: '与当前状态冲突',
  payload_too_large: '提交内容过大',
  too_many_attempts: '尝试次数过多，请稍后再试',
  internal: '服务器内部错误',
  unavailable: '服务暂时不可用',
  quorum_not_met: '到会人数不足：未达到法定人数，不能形成决议',
})

// Codes whose message is improved by naming the field at fault.
const FIELD_CODES = new Set(['missing_field', 'unknown_field', 'invalid_type', 'invalid_value'])

/**
 * Chinese text for an API error.
 * code: the server's stable code word; serverMessage: its own text (used when the code is
 * unknown); field: the input at fault, if any; status: the HTTP status, for the last fallback.
 */
export function errorMessage(code, serverMessage, field, status) {
  const known = code && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, code)
  if (known) {
    const text = ERROR_MESSAGES[code]
    return field && FIELD_CODES.has(code) ? `${text}：${field}` : text
  }
  if (serverMessage) return serverMessage
  if (status) return `请求失败（HTTP ${status}）`
  return '请求失败'
}
