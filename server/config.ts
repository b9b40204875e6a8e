// Environment → typed configuration. Every npm script reads the same variables (listed in README).
import path from 'node:path';
import { z } from 'zod';
import { DEBIAN_FALLBACK_FONTS } from './documents/fonts.js';
import { projectRoot } from './paths.js';

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  SHIAN_DATA_DIR: z.string().default('data'),
  SHIAN_DEMO_PASSWORD: z.string().min(8).optional(),
  SHIAN_DEMO_DATA: z.enum(['on', 'off']).default('on'),
  SHIAN_COOKIE_SECURE: z.enum(['on', 'off']).default('off'),
  SHIAN_TRUST_PROXY: z.string().trim().min(1).optional(),
  SHIAN_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(8 * 60),
  SHIAN_SESSION_MAX_HOURS: z.coerce.number().int().min(1).default(12),
  SHIAN_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  SHIAN_LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
  SHIAN_LOGIN_IP_LIMIT: z.coerce.number().int().min(1).default(30),
  SHIAN_PUBLIC_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAP_TILE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || tileOrigins(v, 'abc') !== null, {
      message:
        'an http(s) tile URL template with {z}, {x} and {y}, e.g. https://t{s}.tianditu.gov.cn/vec_w/wmts?…&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=KEY',
    }),
  MAP_TILE_ATTRIBUTION: z.string().max(300).optional(),
  MAP_TILE_SUBDOMAINS: z
    .string()
    .regex(/^[a-z0-9]{1,16}$/i)
    .default('abc'),
  SHIAN_FALLBACK_FONTS: z.string().optional(),
  SHIAN_PUBLIC_URL: z
    .string()
    .url()
    .regex(/^https?:\/\//)
    .optional(),
});

/** A base map of tiles under the coverage map; origins are what the CSP must allow images from. */
export interface MapTiles {
  url: string;
  attribution: string;
  subdomains: string;
  origins: string[];
}

/** The origins a tile URL template loads from ({s} takes each subdomain), or null when it is not a usable template. */
export function tileOrigins(template: string, subdomains: string): string[] | null {
  if (
    !/^https?:\/\//.test(template) ||
    !['{z}', '{x}', '{y}'].every((p) => template.includes(p) || (p === '{y}' && template.includes('{-y}')))
  )
    return null;
  const origins = new Set<string>();
  for (const s of template.includes('{s}') ? [...subdomains] : ['']) {
    try {
      origins.add(new URL(template.replaceAll('{s}', s).replace(/\{[^}]*\}/g, '0')).origin);
    } catch {
      return null;
    }
  }
  return [...origins];
}

export type TrustProxy = number | boolean | string[];

/**
 * SHIAN_TRUST_PROXY as Express means it: "1" is one proxy hop (a number, not the address "1"), "true"/"false" trust
 * every proxy or none, anything else a comma list of addresses, subnets or Express's names (loopback, uniquelocal).
 */
export function parseTrustProxy(value: string | undefined): TrustProxy | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : undefined;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  demoPassword?: string;
  demoData: boolean;
  cookieSecure: boolean;
  /** Express's `trust proxy`: a number of hops, all or nothing, or the addresses, subnets and names trusted. */
  trustProxy?: TrustProxy;
  /** A session ends idleMs after its last use, and maxMs after login whatever its use. */
  session: { idleMs: number; maxMs: number };
  login: { maxFailures: number; lockMinutes: number; ipLimitPer15Min: number };
  /**
   * Requests per address per minute on the public pages that write or look up by a secret (a visit booking, a
   * cancel, a look-up by code and phone, a tribute, a rating): counted in the database, so it holds across processes.
   */
  publicRatePerMinute: number;
  logLevel: z.infer<typeof Env>['LOG_LEVEL'];
  /** MAP_TILE_URL: without it the coverage map draws boundaries on a plain background. */
  mapTiles?: MapTiles;
  /** Font files or folders for characters the main font lacks, in the order tried: SHIAN_FALLBACK_FONTS, then Debian's. */
  fallbackFonts: string[];
  /** SHIAN_PUBLIC_URL: where families reach the public pages (printed links and QR codes); none, paths alone. */
  publicUrl?: string;
  /** Set by tests: no background timers, quiet logs. */
  testing: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(projectRoot, e.SHIAN_DATA_DIR),
    demoPassword: e.SHIAN_DEMO_PASSWORD,
    demoData: e.SHIAN_DEMO_DATA === 'on',
    cookieSecure: e.SHIAN_COOKIE_SECURE === 'on',
    trustProxy: parseTrustProxy(e.SHIAN_TRUST_PROXY),
    session: { idleMs: e.SHIAN_SESSION_IDLE_MINUTES * 60_000, maxMs: e.SHIAN_SESSION_MAX_HOURS * 3_600_000 },
    login: {
      maxFailures: e.SHIAN_LOGIN_MAX_FAILURES,
      lockMinutes: e.SHIAN_LOGIN_LOCK_MINUTES,
      ipLimitPer15Min: e.SHIAN_LOGIN_IP_LIMIT,
    },
    publicRatePerMinute: e.SHIAN_PUBLIC_RATE_LIMIT,
    logLevel: e.LOG_LEVEL,
    mapTiles: e.MAP_TILE_URL
      ? {
          url: e.MAP_TILE_URL,
          attribution: e.MAP_TILE_ATTRIBUTION ?? '',
          subdomains: e.MAP_TILE_SUBDOMAINS,
          origins: tileOrigins(e.MAP_TILE_URL, e.MAP_TILE_SUBDOMAINS)!,
        }
      : undefined,
    fallbackFonts:
      e.SHIAN_FALLBACK_FONTS === 'off'
        ? []
        : [...(e.SHIAN_FALLBACK_FONTS ?? '').split(path.delimiter).filter(Boolean), ...DEBIAN_FALLBACK_FONTS],
    publicUrl: e.SHIAN_PUBLIC_URL?.replace(/\/+$/, ''),
    testing: false,
  };
}
