// A small browser stand-in for HTTP tests: keeps cookies, picks up the CSRF token from pages, never follows redirects.
import { DEMO_PASSWORD } from './app.js';
import type { Role } from '../../server/accounts/roles.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers loosely; each asserts the shape it needs
  json<T = any>(): T;
}

export class Client {
  private cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    init: { form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.json);
    }
    const res = await fetch(this.base + path, { method, headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i),
        value = pair.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    const m = /name="_csrf" value="([^"]+)"/.exec(text);
    if (m) this.csrf = m[1];
    return {
      status: res.status,
      headers: res.headers,
      text,
      location: res.headers.get('location'),
      json: () => JSON.parse(text),
    };
  }

  get(path: string, headers?: Record<string, string>) {
    return this.request('GET', path, { headers });
  }

  /** Posts a form with the CSRF token from the last page seen (fetching `from` first when given). */
  async post(path: string, form: Record<string, string>, opts: { from?: string; csrf?: boolean } = {}) {
    if (opts.from) await this.get(opts.from);
    const withToken = opts.csrf === false ? form : { _csrf: this.csrf, ...form };
    return this.request('POST', path, { form: withToken });
  }

  async login(username: string, password = DEMO_PASSWORD): Promise<Reply> {
    const res = await this.post('/login', { username, password }, { from: '/login' });
    if (res.status !== 302) throw new Error(`login as ${username} failed: ${res.status}`);
    await this.get('/staff'); // picks up a CSRF token bound to the new session
    return res;
  }

  hasCookie(name: string) {
    return this.cookies.has(name);
  }
}

/** The text content of an HTML fragment, for asserting what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}

/** The demo account of each role (db/seeds/demo.ts). */
export const demoUsernames: Record<Role, string> = {
  admin: 'admin',
  bureau: 'bureau',
  county_bureau: 'county',
  front_desk: 'frontdesk',
  cemetery_staff: 'cemetery',
};

/** A client signed in as the demo user of `role`, holding a CSRF token bound to its session. */
export async function signedIn(app: { url: string }, role: Role): Promise<Client> {
  const client = new Client(app.url);
  await client.login(demoUsernames[role]);
  return client;
}
