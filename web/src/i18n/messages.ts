// Message bundles and the pure functions around them; the React side is in
// I18nProvider.tsx.
import { en, type MessageKey, type Messages } from './en';
import { zh } from './zh';

export type Lang = 'zh' | 'en';
export type { MessageKey, Messages };
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

export const bundles: Record<Lang, Messages> = { zh, en };

export const LANG_STORAGE_KEY = 'switchyard.lang';

/** The BCP 47 tag for dates, numbers and the html lang attribute. */
export const localeTag: Record<Lang, string> = { zh: 'zh-CN', en: 'en-US' };

/**
 * The language to start with: the one the user chose before (stored), else
 * the browser's (zh* → 中文), else English.
 */
export function detectLanguage(stored: string | null | undefined, browser: readonly string[]): Lang {
  if (stored === 'zh' || stored === 'en') {
    return stored;
  }
  for (const tag of browser) {
    if (tag) {
      return tag.toLowerCase().startsWith('zh') ? 'zh' : 'en';
    }
  }
  return 'en';
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** The placeholders ({name}) a template uses. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

/** Replaces {name} with params.name; unknown placeholders stay as they are. */
export function format(template: string, params: Params = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translator(lang: Lang): Translate {
  const messages = bundles[lang];
  return (key, params) => format(messages[key] ?? key, params);
}

/** Formats an RFC 3339 time in the user's language; '' for none. */
export function formatDateTime(lang: Lang, value: string | null | undefined): string {
  if (!value) {
    return '';
  }
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) {
    return value;
  }
  return dateTimeFormats[lang].format(d);
}

const dateTimeOptions: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
};

const dateTimeFormats: Record<Lang, Intl.DateTimeFormat> = {
  zh: new Intl.DateTimeFormat(localeTag.zh, dateTimeOptions),
  en: new Intl.DateTimeFormat(localeTag.en, dateTimeOptions),
};
