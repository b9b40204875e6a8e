// Builds the app: middleware in order, then each domain's route table. main.ts starts it; tests build it.
import path from 'node:path';
import express, { type Express } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { accountRoutes } from './accounts/routes.js';
import { auditRoutes } from './audit/routes.js';
import { caseRoutes } from './cases/routes.js';
import { familyRoutes, UPLOAD_PATH, uploadBody } from './cases/family-routes.js';
import { takingsRoutes } from './cases/takings-routes.js';
import type { AppContext } from './context.js';
import { coverageApiRoutes } from './coverage/engine/routes.js';
import { coverageRoutes } from './coverage/dashboard/routes.js';
import { mapRoutes } from './coverage/map/routes.js';
import { proposalRoutes } from './coverage/proposal/routes.js';
import { figureRoutes } from './coverage/figures/routes.js';
import { targetRoutes } from './coverage/targets/routes.js';
import { yearRoutes } from './coverage/years/routes.js';
import { documentRoutes } from './documents/routes.js';
import { facilityRoutes } from './facilities/routes.js';
import { IMPORT_BODY_LIMIT } from './facilities/csv.js';
import { homeRoutes } from './home/routes.js';
import { cremationRoutes, resourceRoutes } from './cremation/routes.js';
import { custodyRoutes } from './custody/routes.js';
import { finderRoutes } from './resting/finder-routes.js';
import { contractRoutes } from './resting/contract-routes.js';
import { restingRoutes } from './resting/routes.js';
import { restingListRoutes } from './resting/list-routes.js';
import { loadUser } from './http/auth.js';
import { earlyApi } from './http/early-api.js';
import { errorHandler, notFound } from './http/error-handler.js';
import { locals } from './http/locals.js';
import { mount, type RouteDef } from './http/routes.js';
import { requestLog } from './http/request-log.js';
import { csrf, sessionMiddleware } from './http/session.js';
import { viewEngine } from './http/views.js';
import { projectRoot, staticDir, viewsDir } from './paths.js';
import { memorialRoutes, OWNER_PHOTO_PATH, photoBody, STAFF_PHOTO_PATH } from './memorials/routes.js';
import { priceRoutes } from './prices/routes.js';
import { regionRoutes } from './regions/routes.js';
import { reportRoutes } from './reports/routes.js';
import { reportSettingsRoutes } from './reports/settings-routes.js';
import { satisfactionRoutes } from './satisfaction/routes.js';
import { staffRoutes } from './staff/routes.js';
import { visitPublicRoutes } from './visits/public-routes.js';
import { visitGateRoutes } from './visits/gate-routes.js';
import { visitStaffRoutes } from './visits/staff-routes.js';
import { visitApiRoutes } from './visits/api-routes.js';
import { waiverRoutes } from './waivers/routes.js';
import { waiverReportRoutes } from './waivers/report-routes.js';
import { waiverPublicRoutes } from './waivers/public-routes.js';

export function buildApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  // /API/v1/cases is not /api/v1/cases: one spelling of each path, so that the rules keyed on a path hold for it.
  app.set('case sensitive routing', true);
  if (ctx.config.trustProxy !== undefined) app.set('trust proxy', ctx.config.trustProxy);

  app.engine('hbs', viewEngine());
  app.set('view engine', 'hbs');
  app.set('views', viewsDir);
  if (!ctx.config.testing) app.enable('view cache');

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'"],
          'img-src': ["'self'", 'data:', ...(ctx.config.mapTiles?.origins ?? [])],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': ctx.config.cookieSecure ? [] : null,
        },
      },
      strictTransportSecurity: ctx.config.cookieSecure,
    }),
  );
  // Paths only: query strings may carry names or phone numbers being searched.
  app.use(requestLog(ctx.log, (url) => url.startsWith('/static/') || url === '/healthz'));

  const registry: RouteDef[] = [];
  const form = express.urlencoded({ extended: false, limit: '200kb' });
  const json = express.json({ limit: '200kb' });
  // Families booking on Qingming morning: anonymous calls of the visit API go to its routes from here, past everything
  // a page needs (http/early-api.ts); with a cookie or a token they go the whole way and reach the same routes.
  const visitApiDefs = visitApiRoutes(ctx);
  const visitApi = express.Router({ caseSensitive: true });
  mount(visitApi, visitApiDefs, registry);
  app.use(
    earlyApi({
      prefixes: ['/api/v1/visit-windows', '/api/v1/reservations'],
      parsers: [json, form], // a JSON body is read by the first; the second sees it read and passes at once
      defs: visitApiDefs,
      router: visitApi,
    }),
  );

  // Leaflet for the coverage map, served from its package: no CDN.
  app.use(
    '/static/vendor/leaflet',
    express.static(path.join(projectRoot, 'node_modules', 'leaflet', 'dist'), { maxAge: '1d' }),
  );
  // jsQR for the gate's camera where the browser has no BarcodeDetector.
  app.use(
    '/static/vendor/jsqr',
    express.static(path.join(projectRoot, 'node_modules', 'jsqr', 'dist'), { maxAge: '1d' }),
  );
  app.use('/static', express.static(staticDir, { maxAge: '1h' }));

  app.use(ctx.pageCache.serve);
  // The registry's CSV import posts up to MAX_ROWS rows as form text (Chinese triples in size when URL-encoded).
  app.use('/staff/facilities/import', express.urlencoded({ extended: false, limit: IMPORT_BODY_LIMIT }));
  app.use(form);
  app.use(json);
  app.use(sessionMiddleware(ctx));
  app.use(cookieParser());
  app.use(loadUser(ctx));
  app.use(locals);
  // A case paper's upload is multipart: its body (and the CSRF token in it) is read before the CSRF check.
  app.post(UPLOAD_PATH, uploadBody());
  app.post(OWNER_PHOTO_PATH, photoBody(ctx, 'owner'));
  app.post(STAFF_PHOTO_PATH, photoBody(ctx, 'staff'));
  app.use(csrf(ctx).doubleCsrfProtection);

  const router = express.Router({ caseSensitive: true });
  router.use(visitApi);
  for (const routes of [
    homeRoutes,
    accountRoutes,
    staffRoutes,
    regionRoutes,
    facilityRoutes,
    auditRoutes,
    caseRoutes,
    familyRoutes,
    takingsRoutes,
    documentRoutes,
    priceRoutes,
    memorialRoutes,
    resourceRoutes,
    cremationRoutes,
    custodyRoutes,
    proposalRoutes,
    mapRoutes,
    targetRoutes,
    yearRoutes,
    figureRoutes,
    coverageRoutes,
    coverageApiRoutes,
    reportRoutes,
    reportSettingsRoutes,
    satisfactionRoutes,
    visitPublicRoutes,
    visitStaffRoutes,
    visitGateRoutes,
    finderRoutes, // before restingRoutes: /staff/resting/search is not a facility's /staff/resting/:id
    contractRoutes,
    restingRoutes,
    restingListRoutes,
    waiverRoutes,
    waiverReportRoutes,
    waiverPublicRoutes,
  ]) {
    mount(router, routes(ctx), registry);
  }
  app.use(router);
  app.locals.routes = registry;

  app.use(notFound);
  app.use(errorHandler(ctx.log));
  return app;
}
