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
    /** The user's session_epoch at login: another value in the users row ends the session. */
    epoch?: number;
    /** When the user signed in (epoch ms), for the absolute lifetime. */
    loginAt?: number;
    flash?: { kind: 'ok' | 'error'; key: string; params?: Record<string, unknown> };
  }
}

export {};
