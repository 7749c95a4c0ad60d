// Vant's CSS for the phone pages, imported here once for both pages, in Vant's own order —
// except its icon font (vant/es/icon/index.css). That file's @font-face has the font inlined
// as woff2 and a fallback on at.alicdn.com, which Chromium tries under the server's CSP (blocked,
// with a CSP violation on every page) although it never needs it. So the icon CSS comes in as a
// string without that fallback, put first in <head> so the components' rules, which size the
// icons, still come after it. A new Vant component: add its index.css (and those its
// style/index.mjs lists) below.
import iconCss from 'vant/es/icon/index.css?inline'
import 'vant/es/style/base.css'
import 'vant/es/badge/index.css'
import 'vant/es/loading/index.css'
import 'vant/es/overlay/index.css'
import 'vant/es/popup/index.css'
import 'vant/es/image/index.css'
import 'vant/es/swipe/index.css'
import 'vant/es/swipe-item/index.css'
import 'vant/es/cell/index.css'
import 'vant/es/cell-group/index.css'
import 'vant/es/field/index.css'
import 'vant/es/button/index.css'
import 'vant/es/tag/index.css'
import 'vant/es/steps/index.css'
import 'vant/es/step/index.css'
import 'vant/es/toast/index.css'
import 'vant/es/image-preview/index.css'
import 'vant/es/uploader/index.css'

const ID = 'gz-vant-icon'
if (typeof document !== 'undefined' && !document.getElementById(ID)) {
  const style = document.createElement('style')
  style.id = ID
  // `src: url(data:…woff2) format("woff2"), url(//at.alicdn.com/…woff) format("woff")` → the first only.
  style.textContent = iconCss.replace(/,\s*url\((["']?)(?:https?:)?\/\/[^)]*\)\s*format\(["']?woff["']?\)/g, '')
  document.head.prepend(style)
}
