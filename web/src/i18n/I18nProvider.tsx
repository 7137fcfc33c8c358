import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import { translateError } from './errors';
import {
  detectLanguage,
  formatDateTime,
  LANG_STORAGE_KEY,
  localeTag,
  translator,
  type Lang,
  type Translate,
} from './messages';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** An API error (or any error) as a sentence in the current language. */
  errorText(err: unknown): string;
  /** An RFC 3339 time in the current language; '' for none. */
  dateTime(value: string | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

function readStored(): string | null {
  try {
    return window.localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    return null; // storage disabled: fall back to the browser language
  }
}

function initialLanguage(): Lang {
  const browser = navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLanguage(readStored(), browser);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLanguage);

  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(LANG_STORAGE_KEY, next);
    } catch {
      // not remembered; the choice still holds for this page
    }
  }, []);

  useEffect(() => {
    document.documentElement.lang = localeTag[lang];
  }, [lang]);

  const value = useMemo<I18n>(() => {
    // dayjs (antd's date pickers) is global: switch it before anything renders dates.
    dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
    return {
      lang,
      setLang,
      t: translator(lang),
      errorText: (err) => translateError(lang, err),
      dateTime: (v) => formatDateTime(lang, v),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) {
    throw new Error('useI18n outside I18nProvider');
  }
  return ctx;
}
