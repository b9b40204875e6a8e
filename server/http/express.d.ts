// Request and session fields this app adds.
import type { User } from '../accounts/roles.js';
import type { Lang } from '../i18n/index.js';

declare global {
  namespace Express {
    interface Request {
      user?: User;
      lang: Lang;
      csrfToken?: (opts?: { overwrite?: boolean }) => string;
    }
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    flash?: { kind: 'ok' | 'error'; key: string; params?: Record<string, unknown> };
  }
}

export {};
