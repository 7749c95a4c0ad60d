// One cursor-paged list ({"items": […], "next_cursor": …} from the API) for a view: the first page,
// 加载更多 for the next, and replies that arrive too late thrown away. Every page that lists records
// (audit log, children of a place, search hits, households, cases, meetings …) uses this.
//
//   const { rows, nextCursor, loading, loadingMore, error, reload, more, reset } =
//     usePagedList((cursor, signal) => api.get('/cases', { ...filters, limit: 50, cursor }, { signal }))
//   onMounted(reload)
//   // template: <el-table v-loading="loading" :data="rows"> … and
//   //   <div v-if="nextCursor" class="gz-more"><el-button :loading="loadingMore" @click="more">加载更多</el-button></div>
//
// fetchPage(cursor, signal) — written by the view. `cursor` is null for the first page, else the
//   previous reply's next_cursor; `signal` is an AbortSignal that fires once the reply is no longer
//   wanted (pass it to api.get's options, or ignore it). It resolves to {items, next_cursor}; it may
//   read the view's filters when it is called and may post-process the items (it is awaited whole).
//
// Reactive (refs, read-only for the view): rows (the items so far), nextCursor (null: no more),
// loading (first page on its way), loadingMore (next page on its way), error (the failure of the
// last reload(), else null). Failures are also shown with showError(e) (AbortError is not).
//
// Called by the view:
//   reload()  fetches the first page; it replaces rows when it arrives, and until then the old rows
//             stay (call reset() first to empty the list at once). Any earlier reload() or more()
//             still on its way is aborted and its reply ignored. On failure rows and nextCursor stay.
//             Returns a promise that settles when this reload is done (it never rejects).
//   more()    fetches the page at nextCursor and appends it. Does nothing without a nextCursor, while
//             the first page is loading or while another more() is on its way; its reply is ignored
//             if reload() or reset() was called meanwhile.
//   reset()   empties the list (rows [], nextCursor null, error null, not loading) and ignores every
//             reply still on its way, e.g. when a search box is cleared.
// Options: key — a property name or row => value; more() then leaves out items whose key is
//   already in rows (for endpoints whose pages may overlap).
// Called inside setup(), the list also stops (aborts, ignores replies) when the component unmounts.
import { getCurrentScope, onScopeDispose, ref } from 'vue'
import { showError } from '../api.js'

const itemsOf = (page) => (page && Array.isArray(page.items) ? page.items : [])
const cursorOf = (page) => (page && page.next_cursor) || null

export function usePagedList(fetchPage, { key = null } = {}) {
  const rows = ref([])
  const nextCursor = ref(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref(null)
  const keyOf = typeof key === 'function' ? key : key ? (row) => row[key] : null

  let run = 0 // bumped by reload() and reset(): a reply for an older run is ignored
  let controller = null // aborts the requests of the current run

  function stop() {
    run++
    if (controller) controller.abort()
    controller = null
    loading.value = false
    loadingMore.value = false
  }

  function reset() {
    stop()
    rows.value = []
    nextCursor.value = null
    error.value = null
  }

  async function reload() {
    stop()
    const mine = run
    controller = new AbortController()
    const { signal } = controller
    loading.value = true
    error.value = null
    try {
      const page = await fetchPage(null, signal)
      if (mine !== run) return
      rows.value = itemsOf(page)
      nextCursor.value = cursorOf(page)
    } catch (e) {
      if (mine !== run) return
      error.value = e
      showError(e)
    } finally {
      if (mine === run) loading.value = false
    }
  }

  async function more() {
    const cursor = nextCursor.value
    if (!cursor || loading.value || loadingMore.value) return
    const mine = run
    if (!controller) controller = new AbortController()
    loadingMore.value = true
    try {
      const page = await fetchPage(cursor, controller.signal)
      if (mine !== run) return
      let items = itemsOf(page)
      if (keyOf) {
        const seen = new Set(rows.value.map(keyOf))
        items = items.filter((row) => !seen.has(keyOf(row)))
      }
      rows.value = rows.value.concat(items)
      nextCursor.value = cursorOf(page)
    } catch (e) {
      if (mine === run) showError(e)
    } finally {
      if (mine === run) loadingMore.value = false
    }
  }

  if (getCurrentScope()) onScopeDispose(stop)

  return { rows, nextCursor, loading, loadingMore, error, reload, more, reset }
}
