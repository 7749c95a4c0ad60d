// Where to go after signing in: only a path of this site, never another origin or the login page.
export const HOME = '/places'

export function safeRedirect(target) {
  if (typeof target !== 'string' || !target.startsWith('/') || target.startsWith('//') || target.startsWith('/\\')) return HOME
  if (target === '/login' || target.startsWith('/login?') || target.startsWith('/api/')) return HOME
  return target
}
