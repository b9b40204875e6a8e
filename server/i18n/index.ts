// Message catalogs: Chinese first, English second. Templates use {{t}}, code uses translator(lang).
import i18next, { type TFunction } from 'i18next';
import { zhCN } from './zh-CN.js';
import { en } from './en.js';
import { domainMessages } from './domains.js';
import { formatDateTime } from '../http/format.js';
import type { Lang } from './types.js';

export type { Lang } from './types.js';
export const languages = ['zh-CN', 'en'] as const satisfies readonly Lang[];
export const defaultLang: Lang = 'zh-CN';

type Tree = { [key: string]: string | Tree };

function merge(into: Tree, from: Tree): Tree {
  for (const [k, v] of Object.entries(from)) {
    const here = into[k];
    into[k] = typeof v === 'object' && typeof here === 'object' ? merge({ ...here }, v) : v;
  }
  return into;
}

// The platform catalog, then each domain's own (server/<domain>/messages.ts, listed in domains.ts).
export const catalogs = Object.fromEntries(
  languages.map((lang) => [
    lang,
    domainMessages.reduce<Tree>(
      (all, m) => merge(all, m[lang] as Tree),
      merge({}, (lang === 'en' ? en : zhCN) as unknown as Tree),
    ),
  ]),
);

const i18n = i18next.createInstance();
void i18n.init({
  resources: { 'zh-CN': { translation: catalogs['zh-CN'] }, en: { translation: catalogs.en } },
  lng: defaultLang,
  fallbackLng: defaultLang,
  initAsync: false,
  interpolation: { escapeValue: false }, // Handlebars escapes what helpers return
});

export type Translate = (key: string, params?: Record<string, unknown>) => string;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A message's text split at its {{name}} placeholders: texts at even places, names at odd ones. */
type Parts = string[];
const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
/** What only i18next does: nesting, formats, unescaped or plural/context options. */
const SPECIAL = /\$t\(|\{\{\s*[-\w]*[^}\w\s]/;
const OPTIONS = ['count', 'context', 'lng', 'lngs', 'defaultValue', 'ns', 'returnObjects'];
const PLURAL_SUFFIXES = [
  'zero',
  'one',
  'two',
  'few',
  'many',
  'other',
  'ordinal_zero',
  'ordinal_one',
  'ordinal_two',
  'ordinal_few',
  'ordinal_many',
  'ordinal_other',
];

/** A message with only plain {{name}} placeholders, split for substitution; null when i18next must render it. */
function partsOf(text: unknown): Parts | null {
  if (typeof text !== 'string' || SPECIAL.test(text)) return null;
  return text.split(PLACEHOLDER);
}

function make(lang: Lang): Translate {
  const t: TFunction = i18n.getFixedT(lang);
  // Most calls have no parameters; their text never changes, and i18next's lookup is costly enough to show in the
  // public page's profile, so it is looked up once.
  const plain = new Map<string, string>();
  // A message with plain {{name}} placeholders is split once and filled in here: i18next's lookup and interpolation
  // per call were most of the dashboard's translation time (its rows' labels). Anything else goes to i18next.
  const split = new Map<string, Parts | null>();
  // A count is only a placeholder for a message without plural forms (key_one, key_other…; Chinese has none): then
  // i18next would pick the same text, so it is filled in here too (its plural lookup cost a wall page 4 %).
  const plurals = new Map<string, boolean>();
  const plural = (key: string): boolean => {
    let has = plurals.get(key);
    if (has === undefined)
      plurals.set(
        key,
        (has = PLURAL_SUFFIXES.some((s) => i18n.getResource(lang, 'translation', `${key}_${s}`) !== undefined)),
      );
    return has;
  };
  const fill = (key: string, params: Record<string, unknown>): string | undefined => {
    let parts = split.get(key);
    if (parts === undefined) split.set(key, (parts = partsOf(i18n.getResource(lang, 'translation', key))));
    if (parts === null || OPTIONS.some((o) => o in params && (o !== 'count' || plural(key)))) return undefined;
    let out = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const v = params[parts[i]];
      if (typeof v !== 'string' && typeof v !== 'number') return undefined;
      out += String(v) + parts[i + 1];
    }
    return out;
  };
  // Instants in messages (a lock's end, say) are shown in Asia/Shanghai, the way the language writes them.
  return (key, params) => {
    if (!params || Object.keys(params).length === 0) {
      let text = plain.get(key);
      if (text === undefined) plain.set(key, (text = t(key) as string));
      return text;
    }
    const shown = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [
        k,
        typeof v === 'string' && ISO_INSTANT.test(v) ? formatDateTime(v, lang) : v,
      ]),
    );
    return fill(key, shown) ?? (t(key, shown) as string);
  };
}

const fixed = new Map<Lang, Translate>(languages.map((l) => [l, make(l)]));

export function translator(lang: Lang): Translate {
  return fixed.get(lang)!;
}

export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (languages as readonly string[]).includes(v);
}
