// The staff navigation: one entry per domain page, shown to the roles that may open it.
import { everyone, scopedRoles, type Role } from '../accounts/roles.js';

/**
 * `own`: where staff tied to one facility go instead, that facility's own page.
 * `section`: the paths that belong to the entry, when more than those under its href.
 */
export interface NavItem {
  href: string;
  key: string;
  roles: readonly Role[];
  own?: (facilityId: number) => string;
  section?: RegExp;
}

/** The funeral homes' cases: a county bureau has no access to cases (it keeps facilities and figures). */
const caseReaders: readonly Role[] = ['admin', 'bureau', 'front_desk', 'cemetery_staff'];

export const navItems: NavItem[] = [
  { href: '/staff', key: 'nav.dashboard', roles: everyone },
  { href: '/staff/cases', key: 'nav.cases', roles: caseReaders },
  { href: '/staff/takings', key: 'nav.takings', roles: ['admin', 'bureau', 'front_desk'] },
  {
    href: '/staff/cremation',
    key: 'nav.cremation',
    roles: ['admin', 'bureau', 'front_desk'],
    section: /^\/staff\/(cremation|funeral-homes\/\d+\/(resources|cremators|halls|closures))(\/|$)/,
  },
  {
    href: '/staff/custody',
    own: (id) => `/staff/funeral-homes/${id}/fridges`,
    key: 'nav.custody',
    roles: ['admin', 'bureau', 'front_desk'],
    section: /^\/staff\/(custody|funeral-homes\/\d+\/fridges)(\/|$)/,
  },
  {
    href: '/staff/funeral-homes',
    own: (id) => `/staff/funeral-homes/${id}/prices`,
    key: 'nav.prices',
    roles: ['admin', 'bureau', 'front_desk'],
    section: /^\/staff\/funeral-homes(\/\d+\/prices(\/|$)|\/?$)/,
  },
  {
    href: '/staff/waivers/claims',
    key: 'nav.waiver_claims',
    roles: ['admin', 'bureau', 'county_bureau', 'front_desk'],
    section: /^\/staff\/waivers\/(claims|settlements)(\/|$)/,
  },
  {
    href: '/staff/waivers',
    key: 'nav.waivers',
    roles: ['admin', 'bureau', 'county_bureau', 'front_desk'],
    section: /^\/staff\/waivers(?!\/(claims|settlements)(\/|$))(\/|$)/,
  },
  { href: '/staff/waiver-reports', key: 'nav.waiver_reports', roles: ['admin', 'bureau', 'county_bureau'] },
  { href: '/staff/visits', key: 'nav.visits', roles: ['admin', 'bureau', 'county_bureau', 'cemetery_staff'] },
  {
    href: '/staff/resting',
    own: (id) => `/staff/resting/${id}`,
    key: 'nav.resting',
    roles: ['admin', 'bureau', 'county_bureau', 'cemetery_staff'],
  },
  { href: '/staff/facilities', key: 'nav.facilities', roles: everyone },
  { href: '/staff/coverage', key: 'nav.coverage', roles: ['admin', 'bureau', 'county_bureau'] },
  { href: '/staff/satisfaction', key: 'nav.satisfaction', roles: ['admin', 'bureau', 'county_bureau', 'front_desk'] },
  { href: '/staff/regions', key: 'nav.regions', roles: everyone },
  { href: '/staff/users', key: 'nav.users', roles: ['admin'] },
  { href: '/staff/tokens', key: 'nav.tokens', roles: ['admin'] },
  { href: '/staff/audit', key: 'nav.audit', roles: ['admin', 'bureau', 'county_bureau'] },
];

export function navFor(
  role: Role,
  currentPath: string,
  facilityId: number | null = null,
): { href: string; key: string; current: boolean }[] {
  const own = scopedRoles.includes(role) && facilityId ? facilityId : undefined;
  return navItems
    .filter((i) => i.roles.includes(role))
    .map((i) => ({ href: i.own && own ? i.own(own) : i.href, key: i.key, current: isCurrent(i, currentPath) }));
}

function isCurrent(i: NavItem, path: string): boolean {
  if (i.section) return i.section.test(path);
  return i.href === '/staff' ? path === '/staff' : path.startsWith(i.href);
}
