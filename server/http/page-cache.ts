// Micro-cache for public pages read by anonymous visitors: on a Qingming morning thousands of families open the
// same page, and rendering it once a second serves them all. `serve` runs early, before sessions and cookies are
// parsed, and answers from the cache; `fill` goes in front of a route's handler and keeps what it renders.
// Only for pages without forms (a cached page carries no CSRF cookie) whose content ignores the query string.
import type { Request, RequestHandler, Response } from 'express';
import { defaultLang, isLang, type Lang } from '../i18n/index.js';
import { SESSION_COOKIE } from './session.js';

interface Entry { at: number; html: string }

function anonymousLang(req: Request): Lang | undefined {
  const cookie = req.headers.cookie ?? '';
  if (cookie.includes(`${SESSION_COOKIE}=`)) return undefined;
  const m = /(?:^|;\s*)lang=([^;]+)/.exec(cookie);
  return m ? (isLang(m[1]) ? m[1] : defaultLang) : defaultLang;
}

export class PageCache {
  private pages = new Map<string, Entry>();
  private ttl = new Map<string, number>();

  /** Answers a cached page when there is a fresh one for this path and language. */
  serve: RequestHandler = (req, res, next) => {
    const ttl = this.ttl.get(req.path);
    if (ttl === undefined || req.method !== 'GET') return next();
    const lang = anonymousLang(req);
    const hit = lang && this.pages.get(`${lang}\n${req.path}`);
    if (hit && Date.now() - hit.at < ttl) {
      res.type('html').send(hit.html);
      return;
    }
    next();
  };

  /** Middleware for one route: what it renders for an anonymous visitor is kept for ttlMs. */
  fill(path: string, ttlMs: number): RequestHandler {
    this.ttl.set(path, ttlMs);
    return (req, res, next) => {
      const lang = anonymousLang(req);
      if (!lang || req.user) return next();
      const render = res.render.bind(res) as (view: string, options: object, cb: (err: Error | null, html: string) => void) => void;
      res.render = ((view: string, options: object = {}) => {
        render(view, options, (err, html) => {
          if (err) return next(err);
          if (res.statusCode === 200) this.pages.set(`${lang}\n${req.path}`, { at: Date.now(), html });
          res.send(html);
        });
      }) as Response['render'];
      next();
    };
  }
}
