// Chinese first (the default), English beside it. The choice is kept in the
// browser (localStorage) and sets <html lang>.
import { createI18n } from 'vue-i18n';
import zh from './locales/zh.js';
import en from './locales/en.js';

// Each page may keep its messages beside the shared ones, in
// locales/pages/NAME.js exporting {zh: {...}, en: {...}} under its own keys.
const pages = import.meta.glob('./locales/pages/*.js', { eager: true });
for (const mod of Object.values(pages)) {
  Object.assign(zh, mod.default.zh);
  Object.assign(en, mod.default.en);
}

function saved() {
  try {
    const v = globalThis.localStorage && localStorage.getItem('fupin.lang');
    return v === 'en' || v === 'zh' ? v : 'zh';
  } catch {
    return 'zh';
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: saved(),
  fallbackLocale: 'zh',
  messages: { zh, en },
});

export function setLocale(lang) {
  i18n.global.locale.value = lang;
  try {
    localStorage.setItem('fupin.lang', lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  if (globalThis.document) document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

// The number locale for Intl.
export function numberLocale() {
  return i18n.global.locale.value === 'zh' ? 'zh-CN' : 'en-US';
}

// A report column's or row's name in the current language ({name_zh, name_en}).
export function nameOf(o) {
  if (!o) return '';
  return i18n.global.locale.value === 'zh' ? o.name_zh || o.name_en : o.name_en || o.name_zh;
}
