// UI languages: Simplified Chinese first, English and Traditional Chinese.
// The choice is kept in localStorage; Element Plus follows it (see App.vue).
// Feature modules bring web/src/modules/NAME/locale.js, whose default export
// is {'zh-CN': {...}, en: {...}, 'zh-TW': {...}}, merged over the core
// messages below; a module keeps its keys under its own top-level name.
import { createI18n } from 'vue-i18n';
import zhCN from './locales/zh-CN.js';
import en from './locales/en.js';
import zhTW from './locales/zh-TW.js';

export const LOCALES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'zh-TW', label: '繁體中文' },
  { code: 'en', label: 'English' },
];

function merge(into, from) {
  for (const [k, v] of Object.entries(from)) {
    if (v && typeof v === 'object' && into[k] && typeof into[k] === 'object') merge(into[k], v);
    else into[k] = v;
  }
  return into;
}

const messages = { 'zh-CN': zhCN, en, 'zh-TW': zhTW };
for (const mod of Object.values(import.meta.glob('./modules/*/locale.js', { eager: true }))) {
  for (const code of Object.keys(messages)) merge(messages[code], mod.default[code] || {});
}

const STORAGE_KEY = 'shegong.locale';

function initialLocale() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (LOCALES.some((l) => l.code === saved)) return saved;
  } catch { /* storage may be blocked */ }
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages,
});

export function setLocale(code) {
  i18n.global.locale.value = code;
  document.documentElement.lang = code;
  try { localStorage.setItem(STORAGE_KEY, code); } catch { /* ignore */ }
}

document.documentElement.lang = i18n.global.locale.value;
