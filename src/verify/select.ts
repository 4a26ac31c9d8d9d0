import {InputError} from '../errors.js'
import {CHECK_IDS, type CheckId, GROUPS, groupOf} from './catalog.js'
import {t} from '../i18n/index.js'

/** Which checks run: --only and --skip take groups (tls) or check ids (tls.expiry). */
export type Selection = (id: CheckId) => boolean

export function selection(only: readonly string[] = [], skip: readonly string[] = []): Selection {
  const valid = new Set<string>([...GROUPS, ...CHECK_IDS])
  for (const name of [...only, ...skip]) {
    if (!valid.has(name)) {
      throw new InputError(t('verify.unknownSelector', {name}), {code: 'USAGE', hint: `Groups: ${GROUPS.join(', ')}; check ids: mailops verify --list.`})
    }
  }
  const matches = (names: readonly string[], id: CheckId) => names.includes(id) || names.includes(groupOf(id))
  return (id) => (only.length === 0 || matches(only, id)) && !matches(skip, id)
}
