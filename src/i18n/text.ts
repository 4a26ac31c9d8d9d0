import {getLang} from './index.js'

/** Text that bundled data carries in both product languages. */
export interface LocalText {
  en: string
  'zh-CN': string
}

/** Bundled data is localised; a user's own file gives one string used in every language. */
export function local(text: LocalText | string): string {
  return typeof text === 'string' ? text : text[getLang()]
}
