// The public pages' display mode (适老化): standard or large type, chosen by one link in the header and kept in a
// cookie, so that it works without JavaScript and a family's phone remembers it from page to page.
export const DISPLAY_COOKIE = 'display';
export const displayModes = ['standard', 'large'] as const;
export type DisplayMode = (typeof displayModes)[number];

export function isDisplayMode(v: unknown): v is DisplayMode {
  return typeof v === 'string' && (displayModes as readonly string[]).includes(v);
}

/** The mode a cookie value asks for: anything but "large" is the standard page. */
export const displayOf = (cookie: unknown): DisplayMode => (cookie === 'large' ? 'large' : 'standard');

/** The mode from a raw Cookie header, for the page cache, which runs before the cookie parser. */
export function displayOfHeader(header: string): DisplayMode {
  const m = new RegExp(`(?:^|;\\s*)${DISPLAY_COOKIE}=([^;]+)`).exec(header);
  return displayOf(m?.[1]);
}

/** A year, like the language cookie. */
export const DISPLAY_COOKIE_MS = 365 * 24 * 3600 * 1000;
