// The translator fills plain {{name}} placeholders itself (server/i18n/index.ts): for every message of both catalogs,
// what it writes is what i18next writes, with the parameters given, some missing, and none.
import { expect } from 'chai';
import i18next from 'i18next';
import { domainMessages } from '../../server/i18n/domains.js';
import { catalogs, languages, translator } from '../../server/i18n/index.js';

type Tree = { [key: string]: string | Tree };

function* messages(tree: Tree, prefix = ''): Generator<[string, string]> {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') yield [prefix + k, v];
    else yield* messages(v, `${prefix}${k}.`);
  }
}

describe('platform: translations with parameters', () => {
  const reference = i18next.createInstance();
  before(async () => {
    await reference.init({
      resources: Object.fromEntries(languages.map((l) => [l, { translation: catalogs[l] }])),
      lng: 'zh-CN',
      fallbackLng: 'zh-CN',
      initAsync: false,
      interpolation: { escapeValue: false },
    });
  });

  for (const lang of languages) {
    it(`writes every ${lang} message as i18next does`, () => {
      const t = translator(lang);
      const ref = reference.getFixedT(lang);
      let checked = 0;
      for (const [key, text] of messages(catalogs[lang] as Tree)) {
        const names = [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);
        if (!names.length) continue;
        const all = Object.fromEntries(names.map((n, i) => [n, i % 2 ? i * 7 : `值<${n}>`]));
        const some = Object.fromEntries(names.slice(1).map((n) => [n, 'x']));
        for (const params of [all, some, { unrelated: 1 }]) expect(t(key, params), key).to.equal(ref(key, params));
        checked += 1;
      }
      expect(checked).to.be.above(50);
    });

    it(`writes ${lang} messages given a count as i18next does, with plural forms or without`, () => {
      const t = translator(lang);
      const ref = reference.getFixedT(lang);
      const keys = new Set<string>();
      for (const [key, text] of messages(catalogs[lang] as Tree)) {
        if (/\{\{\s*count\s*\}\}/.test(text)) keys.add(key);
        const base = /^(.*)_(?:zero|one|two|few|many|other)$/.exec(key)?.[1];
        if (base) keys.add(base); // the plural forms' key, which only i18next resolves
      }
      expect(keys.size).to.be.above(5);
      for (const key of keys)
        for (const count of [0, 1, 2, 5, 21])
          for (const params of [{ count }, { count, unit: '村' }])
            expect(t(key, params), `${key} ${count}`).to.equal(ref(key, params));
    });
  }
});

describe('platform: one text per message key', () => {
  it('has no key that two domains word differently (the later one would silently win)', () => {
    for (const lang of languages) {
      const seen = new Map<string, { text: string; domain: number }>();
      const clashes: string[] = [];
      domainMessages.forEach((domain, i) => {
        for (const [key, text] of messages(domain[lang] as unknown as Tree)) {
          const before = seen.get(key);
          if (before && before.domain !== i && before.text !== text)
            clashes.push(`${lang} ${key}: ${before.text} / ${text}`);
          seen.set(key, { text, domain: i });
        }
      });
      expect(clashes).to.deep.equal([]);
    }
  });
});
