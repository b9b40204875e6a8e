// Micro-cache for public pages read by anonymous visitors: on a Qingming morning thousands of families open the
// same page, and rendering it once a second serves them all. `serve` runs early, before sessions and cookies are
// parsed, and answers from the cache; `fill` goes in front of a route's handler and keeps what it renders.
// Only for pages without forms (a cached page carries no CSRF cookie) whose content ignores the query string.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { TtlCache, systemClock, type Clock } from '../cache.js';
import { defaultLang, isLang, type Lang } from '../i18n/index.js';
import { SESSION_COOKIE } from './cookies.js';
import { displayOfHeader } from './display.js';

/** A kept page: its UTF-8 bytes and their ETag, made once rather than on every request that gets it. */
interface Entry {
  bytes: Buffer;
  etag: string;
}

/** A weak ETag of the same form as Express's (length in hex, then the SHA-1 in base64). */
const etagOf = (bytes: Buffer) =>
  `W/"${bytes.length.toString(16)}-${createHash('sha1').update(bytes).digest('base64').slice(0, 27)}"`;

/**
 * What a kept page depends on besides its path, for an anonymous visitor: the language and the display mode (large
 * type puts a class on <body>), as one key such as `zh-CN` or `zh-CN|large`; undefined for a signed-in visitor.
 */
function anonymousKey(req: Request): string | undefined {
  const cookie = req.headers.cookie ?? '';
  if (cookie.includes(`${SESSION_COOKIE}=`)) return undefined;
  const m = /(?:^|;\s*)lang=([^;]+)/.exec(cookie);
  const lang: Lang = m ? (isLang(m[1]) ? m[1] : defaultLang) : defaultLang;
  return displayOfHeader(cookie) === 'large' ? `${lang}|large` : lang;
}

export class PageCache {
  /** The kept pages of each cached path, by language and display mode. */
  private paths = new Map<string, TtlCache<string, Entry>>();

  constructor(private readonly clock: Clock = systemClock) {}

  private kept(path: string): TtlCache<string, Entry> | undefined {
    return this.paths.get(path);
  }

  /** Answers a cached page when there is a fresh one for this path, language and display mode. */
  serve: RequestHandler = (req, res, next) => {
    const pages = req.method === 'GET' ? this.kept(req.path) : undefined;
    const key = pages && anonymousKey(req);
    const hit = key ? pages!.peek(key) : undefined;
    if (!hit) return next();
    hit.then((entry) => {
      res.type('html');
      res.setHeader('ETag', entry.etag);
      if (req.fresh) {
        res.status(304).end();
        return;
      }
      res.setHeader('Content-Length', entry.bytes.length);
      res.end(entry.bytes);
    }, next);
  };

  /** Middleware for one route: what it renders for an anonymous visitor is kept for ttlMs. */
  fill(path: string, ttlMs: number): RequestHandler {
    let pages = this.paths.get(path);
    if (!pages) {
      pages = new TtlCache<string, Entry>({ ttlMs, max: 8, clock: this.clock });
      this.paths.set(path, pages);
    }
    const kept = pages;
    return (req, res, next) => {
      const key = anonymousKey(req);
      if (!key || req.user) return next();
      const render = res.render.bind(res) as (
        view: string,
        options: object,
        cb: (err: Error | null, html: string) => void,
      ) => void;
      res.render = ((view: string, options: object = {}) => {
        render(view, options, (err, html) => {
          if (err) return next(err);
          if (res.statusCode === 200) {
            const bytes = Buffer.from(html);
            kept.set(key, { bytes, etag: etagOf(bytes) });
          }
          res.send(html);
        });
      }) as Response['render'];
      next();
    };
  }

  /** Forgets every kept page: the next visitor gets one rendered from the database. */
  clear(): void {
    for (const pages of this.paths.values()) pages.clear();
  }
}
