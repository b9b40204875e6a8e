// One log line per request: method, path (never the query string: it may carry names or phone numbers being
// searched), status and time, in pino-http's shape ({req, res, responseTime}, "request completed"). It replaces
// pino-http, which made a child logger and serialized the request for every request even when the level
// (LOG_LEVEL=warn in production, say) let no line through; here a request costs nothing unless lines are written.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';

export function requestLog(log: Logger, ignore: (url: string) => boolean): RequestHandler {
  return (req, res, next) => {
    if (!log.isLevelEnabled('info') || ignore(req.url)) return next();
    const started = Date.now();
    const done = () => {
      res.removeListener('finish', done);
      res.removeListener('close', done);
      const url = req.originalUrl ?? req.url;
      const q = url.indexOf('?');
      const line = {
        req: { method: req.method, url: q < 0 ? url : url.slice(0, q) },
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - started,
      };
      if (res.statusCode >= 500) log.info(line, 'request errored');
      else log.info(line, res.writableEnded ? 'request completed' : 'request aborted');
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  };
}
