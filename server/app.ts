// Builds the app: middleware in order, then each domain's route table. main.ts starts it; tests build it.
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { accountRoutes } from './accounts/routes.js';
import { auditRoutes } from './audit/routes.js';
import { caseRoutes } from './cases/routes.js';
import type { AppContext } from './context.js';
import { documentRoutes } from './documents/routes.js';
import { facilityRoutes } from './facilities/routes.js';
import { homeRoutes } from './home/routes.js';
import { cremationRoutes, resourceRoutes } from './cremation/routes.js';
import { loadUser } from './http/auth.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { locals } from './http/locals.js';
import { mount, type RouteDef } from './http/routes.js';
import { csrf, sessionMiddleware } from './http/session.js';
import { viewEngine } from './http/views.js';
import { staticDir, viewsDir } from './paths.js';
import { priceRoutes } from './prices/routes.js';
import { regionRoutes } from './regions/routes.js';
import { staffRoutes } from './staff/routes.js';

export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  if (ctx.config.trustProxy) app.set('trust proxy', ctx.config.trustProxy);

  app.engine('hbs', viewEngine());
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  if (!ctx.config.testing) app.enable('view cache');

  app.use(helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'form-action': ["'self'"],
        'upgrade-insecure-requests': ctx.config.cookieSecure ? [] : null,
      },
    },
    strictTransportSecurity: ctx.config.cookieSecure,
  }));
  app.use(pinoHttp({
    logger: ctx.log,
    // Paths only: query strings may carry names or phone numbers being searched.
    serializers: { req: (req) => ({ method: req.method, url: String(req.url).split('?')[0] }), res: (res) => ({ statusCode: res.statusCode }) },
    autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/static/') || req.url === '/healthz' },
  }));

  app.use('/static', express.static(staticDir, { maxAge: '1h' }));

  app.use(ctx.pageCache.serve);
  app.use(express.urlencoded({ extended: false, limit: '200kb' }));
  app.use(express.json({ limit: '200kb' }));
  app.use(sessionMiddleware(ctx));
  app.use(cookieParser());
  app.use(loadUser(ctx));
  app.use(locals);
  app.use(csrf(ctx).doubleCsrfProtection);

  const registry: RouteDef[] = [];
  const router = express.Router();
  for (const routes of [homeRoutes, accountRoutes, staffRoutes, regionRoutes, facilityRoutes, auditRoutes, caseRoutes, documentRoutes, priceRoutes, resourceRoutes, cremationRoutes]) {
    mount(router, routes(ctx), registry);
  }
  app.use(router);
  app.locals.routes = registry;

  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return app;
}
