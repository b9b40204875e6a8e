// Types shared by the catalogs and whoever writes text for them (domains' messages.ts, formatting), kept apart
// so that none of those imports the catalogs' module to name a type.
export type Lang = 'zh-CN' | 'en';

/** A domain's messages (server/<domain>/messages.ts): the same keys in both languages, checked by the compiler. */
export interface DomainMessages<T> {
  'zh-CN': T;
  en: T;
}
