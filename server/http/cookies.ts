// The names of the cookies and the form field the session and CSRF layers use, apart from them so that the page
// cache and the views can know them without importing the session layer (and through it the app context).
export const SESSION_COOKIE = 'shian.sid';
export const CSRF_COOKIE = 'shian.csrf';
export const CSRF_FIELD = '_csrf';
