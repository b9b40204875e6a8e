// The staff navigation: one entry per domain page, shown to the roles that may open it.
import type { Role } from '../accounts/roles.js';

export interface NavItem { href: string; key: string; roles: readonly Role[] }

const everyone: readonly Role[] = ['admin', 'bureau', 'front_desk', 'cemetery_staff'];

export const navItems: NavItem[] = [
  { href: '/staff', key: 'nav.dashboard', roles: everyone },
  { href: '/staff/cases', key: 'nav.cases', roles: everyone },
  { href: '/staff/facilities', key: 'nav.facilities', roles: everyone },
  { href: '/staff/regions', key: 'nav.regions', roles: everyone },
  { href: '/staff/users', key: 'nav.users', roles: ['admin'] },
  { href: '/staff/tokens', key: 'nav.tokens', roles: ['admin'] },
  { href: '/staff/audit', key: 'nav.audit', roles: ['admin'] },
];

export function navFor(role: Role, currentPath: string): { href: string; key: string; current: boolean }[] {
  return navItems
    .filter((i) => i.roles.includes(role))
    .map((i) => ({ href: i.href, key: i.key, current: i.href === '/staff' ? currentPath === '/staff' : currentPath.startsWith(i.href) }));
}
