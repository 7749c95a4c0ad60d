// What the deliberation pages (议事协商) share: the Chinese words for meeting states, votes and
// choices, the meeting types as the server's rules table gives them (GET /council/rules, loaded
// once), and Beijing times.

import { api } from '../../api.js'
import '../registry/registry.css'
import '../cases/cases.css'

export * from './council-words.js'

let rulesPromise = null

/** The rules table (cached for the page's life): [{type, name, law, article, levels, …}]. */
export function loadRules() {
  if (!rulesPromise) {
    rulesPromise = api.get('/council/rules').then((r) => r.items).catch((e) => {
      rulesPromise = null
      throw e
    })
  }
  return rulesPromise
}

/** 《村民委员会组织法》第二十二条, or 协商议事 for a form the law does not regulate. */
export function ruleCitation(rule) {
  if (!rule) return ''
  return rule.law ? `《${rule.law}》${rule.article}` : '协商议事形式'
}

