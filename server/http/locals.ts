// Per-request view data: language, the signed-in user and navigation, the one-time flash message.
import type { RequestHandler } from 'express';
import { defaultLang, isLang } from '../i18n/index.js';
import { DISPLAY_COOKIE, displayOf } from './display.js';
import { navFor } from './nav.js';

export const locals: RequestHandler = (req, res, next) => {
  const cookieLang = req.cookies?.lang;
  req.lang = isLang(cookieLang) ? cookieLang : defaultLang;
  res.locals.lang = req.lang;
  // Large type (适老化) on the public layout: a class on <body>, read here so that every public page follows it.
  res.locals.largeType = displayOf(req.cookies?.[DISPLAY_COOKIE]) === 'large';
  res.locals.path = req.path;
  res.locals.originalUrl = req.originalUrl;
  res.locals.here = encodeURIComponent(req.originalUrl);
  res.locals.csrf = () => req.csrfToken?.() ?? '';
  if (req.user) {
    res.locals.me = req.user; // "me", so that a page about another user can call that one "user"
    res.locals.nav = navFor(req.user.role, req.path, req.user.facility_id);
  }
  if (req.session?.flash) {
    res.locals.flash = req.session.flash;
    delete req.session.flash;
  }
  next();
};
