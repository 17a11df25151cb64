import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { fr } from './fr.ts';

export const LANGUAGES = ['en', 'fr'] as const;
export type Language = (typeof LANGUAGES)[number];

const CHOICE_KEY = 'ensemble.language';

export function toLanguage(locale: string | null | undefined): Language | null {
  if (!locale) return null;
  const base = locale.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : null;
}

function storedChoice(): Language | null {
  try {
    return toLanguage(window.localStorage.getItem(CHOICE_KEY));
  } catch {
    return null;
  }
}

/** The browser's preferred languages, first supported one wins. */
function browserLanguage(): Language {
  for (const locale of navigator.languages ?? [navigator.language]) {
    const language = toLanguage(locale);
    if (language) return language;
  }
  return 'en';
}

export function hasExplicitLanguage(): boolean {
  return storedChoice() !== null;
}

/** A choice made with the language switch; it outlives sessions on this browser. */
export function chooseLanguage(language: Language): void {
  try {
    window.localStorage.setItem(CHOICE_KEY, language);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
  void i18n.changeLanguage(language);
}

/** The signed-in person's own locale applies unless they picked a language here. */
export function adoptUserLocale(locale: string | null | undefined): void {
  const language = toLanguage(locale);
  if (language && !hasExplicitLanguage() && i18n.language !== language) void i18n.changeLanguage(language);
}

export function currentLanguage(): Language {
  return toLanguage(i18n.language) ?? 'en';
}

i18n.on('languageChanged', (language) => {
  document.documentElement.lang = language;
});

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr } },
  lng: storedChoice() ?? browserLanguage(),
  fallbackLng: 'en',
  supportedLngs: LANGUAGES,
  interpolation: { escapeValue: false },
  returnNull: false,
});

document.documentElement.lang = i18n.language;

export { i18n };
