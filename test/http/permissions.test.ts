// Every staff and API route × every role: allowed roles get through, the others get 403, strangers are sent to
// log in (pages) or get 401 (API). A route added without an entry here fails the first test.
import { expect } from 'chai';
import { createToken } from '../../server/accounts/tokens.js';
import { roles, type Role } from '../../server/accounts/roles.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { Client, demoUsernames, signedIn } from '../helpers/client.js';

const ALL: Role[] = [...roles];
/** Everyone but the county bureau, which keeps facilities and figures and has no access to cases. */
const CASES: Role[] = ['admin', 'bureau', 'front_desk', 'cemetery_staff'];
const ADMIN: Role[] = ['admin'];
/** The administrator and both bureaus (the city's and a county's). */
const BUREAUS: Role[] = ['admin', 'bureau', 'county_bureau'];
const FRONT: Role[] = ['admin', 'front_desk'];
/** Resting places: read by their keepers and the bureaus; kept by cemetery staff and the administrator. */
const RESTING: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
const KEEPERS: Role[] = ['admin', 'cemetery_staff'];
/** Visit windows: read by the bureaus (their region's), kept by the facility's staff. */
const VISITS: Role[] = ['admin', 'bureau', 'county_bureau', 'cemetery_staff'];
const VISIT_STAFF: Role[] = ['admin', 'cemetery_staff'];

// route → [roles allowed, a concrete path to request]
const table: Record<string, [Role[], string]> = {
  'GET /api/v1/me': [ALL, '/api/v1/me'],
  'GET /staff': [ALL, '/staff'],
  'GET /staff/account': [ALL, '/staff/account'],
  'POST /staff/account/password': [ALL, '/staff/account/password'],
  'GET /staff/users': [ADMIN, '/staff/users'],
  'GET /staff/users/new': [ADMIN, '/staff/users/new'],
  'POST /staff/users': [ADMIN, '/staff/users'],
  'GET /staff/users/:id': [ADMIN, '/staff/users/1'],
  'POST /staff/users/:id': [ADMIN, '/staff/users/1'],
  'POST /staff/users/:id/password': [ADMIN, '/staff/users/1/password'],
  'GET /staff/tokens': [ADMIN, '/staff/tokens'],
  'POST /staff/tokens': [ADMIN, '/staff/tokens'],
  'GET /staff/tokens/:id/revoke': [ADMIN, '/staff/tokens/999/revoke'],
  'POST /staff/tokens/:id/revoke': [ADMIN, '/staff/tokens/999/revoke'],
  'GET /staff/regions': [ALL, '/staff/regions'],
  // The bureau corrects a unit's kind (行政村/社区); 520201101200 is a village of the demo divisions.
  'GET /staff/regions/:code/kind': [['admin', 'bureau', 'county_bureau'], '/staff/regions/520201101200/kind'],
  'POST /staff/regions/:code/kind': [['admin', 'bureau', 'county_bureau'], '/staff/regions/520201999999/kind'],
  'GET /staff/facilities': [ALL, '/staff/facilities'],
  // Facility registry: the bureaus and admin keep it (a county bureau its county's); the others read their own facility's page (999: none, so 404).
  'GET /staff/facilities/new': [BUREAUS, '/staff/facilities/new'],
  'POST /staff/facilities': [BUREAUS, '/staff/facilities'],
  'GET /staff/facilities/export.csv': [BUREAUS, '/staff/facilities/export.csv'],
  'GET /staff/facilities/import': [BUREAUS, '/staff/facilities/import'],
  'POST /staff/facilities/import': [BUREAUS, '/staff/facilities/import'],
  'GET /staff/facilities/:id': [ALL, '/staff/facilities/999'],
  'GET /staff/facilities/:id/edit': [BUREAUS, '/staff/facilities/999/edit'],
  'POST /staff/facilities/:id': [BUREAUS, '/staff/facilities/999'],
  'POST /staff/facilities/:id/status': [BUREAUS, '/staff/facilities/999/status'],
  'GET /staff/facilities/:id/delete': [BUREAUS, '/staff/facilities/999/delete'],
  'POST /staff/facilities/:id/delete': [BUREAUS, '/staff/facilities/999/delete'],
  // The audit: the administrator reads every entry, the bureaus those of their region.
  'GET /staff/audit': [BUREAUS, '/staff/audit'],
  'GET /staff/audit.csv': [BUREAUS, '/staff/audit.csv'],
  'GET /staff/audit.xlsx': [BUREAUS, '/staff/audit.xlsx'],
  // Price lists: funeral home 1 is the front desk's own; its item 1 is in the demo price list.
  'GET /staff/funeral-homes': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes'],
  'GET /staff/funeral-homes/:id/prices': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes/1/prices'],
  'GET /staff/funeral-homes/:id/prices/new': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes/1/prices/new'],
  'POST /staff/funeral-homes/:id/prices': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes/1/prices'],
  'GET /staff/funeral-homes/:id/prices/:itemId': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes/1/prices/1'],
  // Which items each may change is decided per item (basic: bureau and admin; optional: the home): no item here.
  'POST /staff/funeral-homes/:id/prices/:itemId': [
    ['admin', 'bureau', 'front_desk'],
    '/staff/funeral-homes/1/prices/999999',
  ],
  'GET /staff/funeral-homes/:id/prices/:itemId/end': [
    ['admin', 'bureau', 'front_desk'],
    '/staff/funeral-homes/1/prices/999999/end',
  ],
  'POST /staff/funeral-homes/:id/prices/:itemId/end': [
    ['admin', 'bureau', 'front_desk'],
    '/staff/funeral-homes/1/prices/1/end',
  ],
  'GET /staff/cases': [CASES, '/staff/cases'],
  'POST /staff/cases/search': [CASES, '/staff/cases/search'],
  'GET /staff/cases/new': [FRONT, '/staff/cases/new'],
  'POST /staff/cases': [FRONT, '/staff/cases'],
  'GET /staff/cases/:id': [CASES, '/staff/cases/999'],
  'POST /staff/cases/:id/status': [FRONT, '/staff/cases/999/status'],
  'POST /staff/cases/:id/lines': [FRONT, '/staff/cases/999/lines'],
  'POST /staff/cases/:id/lines/:lineId/delete': [FRONT, '/staff/cases/999/lines/1/delete'],
  'POST /staff/cases/:id/payments': [FRONT, '/staff/cases/999/payments'],
  'POST /staff/cases/:id/payments/:paymentId/void': [FRONT, '/staff/cases/999/payments/1/void'],
  'POST /staff/cases/:id/refunds': [FRONT, '/staff/cases/999/refunds'],
  'POST /staff/cases/:id/corrections': [FRONT, '/staff/cases/999/corrections'],
  'GET /staff/cases/:id/payments/:paymentId/receipt.pdf': [
    ['admin', 'bureau', 'front_desk'],
    '/staff/cases/999/payments/1/receipt.pdf',
  ],
  'GET /staff/takings': [['admin', 'bureau', 'front_desk'], '/staff/takings'],
  'GET /staff/takings.csv': [['admin', 'bureau', 'front_desk'], '/staff/takings.csv'],
  'GET /staff/takings.xlsx': [['admin', 'bureau', 'front_desk'], '/staff/takings.xlsx'],
  'POST /staff/cases/:id/reveal': [FRONT, '/staff/cases/999/reveal'],
  'GET /staff/cases/:id/certificate.pdf': [FRONT, '/staff/cases/999/certificate.pdf'],
  'GET /staff/cases/:id/receipt.pdf': [['admin', 'bureau', 'front_desk'], '/staff/cases/999/receipt.pdf'],
  'POST /api/v1/cases': [FRONT, '/api/v1/cases'],
  // A case's family and papers (case 999: none, so 404 for those let through).
  'GET /staff/cases/:id/contacts/new': [FRONT, '/staff/cases/999/contacts/new'],
  'POST /staff/cases/:id/contacts': [FRONT, '/staff/cases/999/contacts'],
  'GET /staff/cases/:id/contacts/:contactId/edit': [FRONT, '/staff/cases/999/contacts/1/edit'],
  'POST /staff/cases/:id/contacts/:contactId': [FRONT, '/staff/cases/999/contacts/1'],
  'POST /staff/cases/:id/contacts/:contactId/recipient': [FRONT, '/staff/cases/999/contacts/1/recipient'],
  'GET /staff/cases/:id/contact-log/new': [FRONT, '/staff/cases/999/contact-log/new'],
  'POST /staff/cases/:id/contact-log': [FRONT, '/staff/cases/999/contact-log'],
  'GET /staff/cases/:id/papers': [FRONT, '/staff/cases/999/papers'],
  'POST /staff/cases/:id/papers/:kind/state': [FRONT, '/staff/cases/999/papers/id_copy/state'],
  'POST /staff/cases/:id/papers/:kind/files': [FRONT, '/staff/cases/999/papers/id_copy/files'],
  'GET /staff/cases/:id/files/:fileId': [FRONT, '/staff/cases/999/files/1'],
  'GET /staff/cases/:id/files/:fileId/withdraw': [FRONT, '/staff/cases/999/files/1/withdraw'],
  'POST /staff/cases/:id/files/:fileId/withdraw': [FRONT, '/staff/cases/999/files/1/withdraw'],
  // A case's online memorial page (case 999: none, so 404 for those let through).
  'GET /staff/cases/:id/memorial': [FRONT, '/staff/cases/999/memorial'],
  'POST /staff/cases/:id/memorial': [FRONT, '/staff/cases/999/memorial'],
  'POST /staff/cases/:id/memorial/claim-code': [FRONT, '/staff/cases/999/memorial/claim-code'],
  'POST /staff/cases/:id/memorial/claim-code/statement.pdf': [
    FRONT,
    '/staff/cases/999/memorial/claim-code/statement.pdf',
  ],
  'POST /staff/cases/:id/memorial/page': [FRONT, '/staff/cases/999/memorial/page'],
  'POST /staff/cases/:id/memorial/photo': [FRONT, '/staff/cases/999/memorial/photo'],
  'POST /staff/cases/:id/memorial/close': [FRONT, '/staff/cases/999/memorial/close'],
  'POST /staff/cases/:id/memorial/tributes/:tributeId': [FRONT, '/staff/cases/999/memorial/tributes/1'],
  // Cremation: funeral home 1 is the front desk's own; its cremator 1, hall 1 and closure 1 are demo data.
  'GET /staff/funeral-homes/:id/resources': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes/1/resources'],
  'GET /staff/funeral-homes/:id/cremators/new': [FRONT, '/staff/funeral-homes/1/cremators/new'],
  'POST /staff/funeral-homes/:id/cremators': [FRONT, '/staff/funeral-homes/1/cremators'],
  'GET /staff/funeral-homes/:id/cremators/:rid': [FRONT, '/staff/funeral-homes/1/cremators/1'],
  'POST /staff/funeral-homes/:id/cremators/:rid': [FRONT, '/staff/funeral-homes/1/cremators/1'],
  'GET /staff/funeral-homes/:id/halls/new': [FRONT, '/staff/funeral-homes/1/halls/new'],
  'POST /staff/funeral-homes/:id/halls': [FRONT, '/staff/funeral-homes/1/halls'],
  'GET /staff/funeral-homes/:id/halls/:rid': [FRONT, '/staff/funeral-homes/1/halls/1'],
  'POST /staff/funeral-homes/:id/halls/:rid': [FRONT, '/staff/funeral-homes/1/halls/1'],
  'GET /staff/funeral-homes/:id/closures/new': [FRONT, '/staff/funeral-homes/1/closures/new'],
  'POST /staff/funeral-homes/:id/closures': [FRONT, '/staff/funeral-homes/1/closures'],
  'GET /staff/funeral-homes/:id/closures/:cid/remove': [FRONT, '/staff/funeral-homes/1/closures/1/remove'],
  'POST /staff/funeral-homes/:id/closures/:cid/remove': [FRONT, '/staff/funeral-homes/1/closures/1/remove'],
  'GET /staff/cremation': [['admin', 'bureau', 'front_desk'], '/staff/cremation'],
  'GET /staff/cremation/board': [['admin', 'bureau', 'front_desk'], '/staff/cremation/board'],
  'GET /staff/cremation/bookings/new': [FRONT, '/staff/cremation/bookings/new'],
  'POST /staff/cremation/bookings': [FRONT, '/staff/cremation/bookings'],
  'GET /staff/cremation/bookings/:kind/:id/reschedule': [FRONT, '/staff/cremation/bookings/cremator/999/reschedule'],
  'POST /staff/cremation/bookings/:kind/:id/reschedule': [FRONT, '/staff/cremation/bookings/cremator/999/reschedule'],
  'GET /staff/cremation/bookings/:kind/:id/cancel': [FRONT, '/staff/cremation/bookings/cremator/999/cancel'],
  'POST /staff/cremation/bookings/:kind/:id/cancel': [FRONT, '/staff/cremation/bookings/cremator/999/cancel'],
  'GET /staff/cremation/bookings/cremator/:id/record': [FRONT, '/staff/cremation/bookings/cremator/999/record'],
  'POST /staff/cremation/bookings/cremator/:id/record': [FRONT, '/staff/cremation/bookings/cremator/999/record'],
  'GET /api/v1/cremation/availability': [
    ['admin', 'bureau', 'front_desk'],
    '/api/v1/cremation/availability?facility=1&date=2026-12-01',
  ],
  'POST /api/v1/cremation/bookings': [FRONT, '/api/v1/cremation/bookings'],
  // Body custody: funeral home 1 is the front desk's own; its fridge 1 and slot 1 are demo data; case 999 is none.
  'GET /staff/custody': [['admin', 'bureau', 'front_desk'], '/staff/custody'],
  'GET /staff/funeral-homes/:id/fridges': [['admin', 'bureau', 'front_desk'], '/staff/funeral-homes/1/fridges'],
  'GET /staff/funeral-homes/:id/fridges/new': [FRONT, '/staff/funeral-homes/1/fridges/new'],
  'POST /staff/funeral-homes/:id/fridges': [FRONT, '/staff/funeral-homes/1/fridges'],
  'GET /staff/funeral-homes/:id/fridges/:fid/slots/:sid': [FRONT, '/staff/funeral-homes/1/fridges/1/slots/1'],
  'POST /staff/funeral-homes/:id/fridges/:fid/slots/:sid': [FRONT, '/staff/funeral-homes/1/fridges/1/slots/1'],
  'GET /staff/cases/:id/custody/receive': [FRONT, '/staff/cases/999/custody/receive'],
  'POST /staff/cases/:id/custody/receive': [FRONT, '/staff/cases/999/custody/receive'],
  'GET /staff/cases/:id/custody/move': [FRONT, '/staff/cases/999/custody/move'],
  'POST /staff/cases/:id/custody/move': [FRONT, '/staff/cases/999/custody/move'],
  'GET /staff/cases/:id/custody/release': [FRONT, '/staff/cases/999/custody/release'],
  'POST /staff/cases/:id/custody/release': [FRONT, '/staff/cases/999/custody/release'],
  // Resting places: cemetery staff and admin keep them, the bureaus read their region's, the front desk none; 999 is no
  // facility or place, so the pages answer 404 to those allowed.
  'GET /staff/resting': [RESTING, '/staff/resting'],
  'GET /staff/resting/:id': [RESTING, '/staff/resting/999'],
  'POST /staff/resting/:id/settings': [KEEPERS, '/staff/resting/999/settings'],
  'GET /staff/resting/:id/walls/new': [KEEPERS, '/staff/resting/999/walls/new'],
  'POST /staff/resting/:id/walls': [KEEPERS, '/staff/resting/999/walls'],
  'GET /staff/resting/:id/sections/new': [KEEPERS, '/staff/resting/999/sections/new'],
  'POST /staff/resting/:id/sections': [KEEPERS, '/staff/resting/999/sections'],
  'GET /staff/resting/:id/grid/:gid': [RESTING, '/staff/resting/999/grid/1'],
  'GET /staff/resting/places/:id': [RESTING, '/staff/resting/places/999999'],
  'POST /staff/resting/places/:id/hold': [KEEPERS, '/staff/resting/places/999999/hold'],
  'POST /staff/resting/places/:id/release': [KEEPERS, '/staff/resting/places/999999/release'],
  'GET /staff/resting/places/:id/block': [KEEPERS, '/staff/resting/places/999999/block'],
  'POST /staff/resting/places/:id/block': [KEEPERS, '/staff/resting/places/999999/block'],
  'POST /staff/resting/places/:id/unblock': [KEEPERS, '/staff/resting/places/999999/unblock'],
  // The grave finder's staff search: read like the resting pages, each role in its scope (the front desk none).
  'GET /staff/resting/search': [RESTING, '/staff/resting/search'],
  'POST /staff/resting/search': [RESTING, '/staff/resting/search'],
  'GET /staff/resting/places/:id/contract/new': [KEEPERS, '/staff/resting/places/999999/contract/new'],
  'POST /staff/resting/places/:id/contract': [KEEPERS, '/staff/resting/places/999999/contract'],
  'GET /staff/resting/contracts/:id': [RESTING, '/staff/resting/contracts/999999'],
  'GET /staff/resting/contracts/:id/contract.pdf': [RESTING, '/staff/resting/contracts/999999/contract.pdf'],
  'GET /staff/resting/contracts/:id/placements/new': [KEEPERS, '/staff/resting/contracts/999999/placements/new'],
  'POST /staff/resting/contracts/:id/placements': [KEEPERS, '/staff/resting/contracts/999999/placements'],
  'GET /staff/resting/contracts/:id/renew': [KEEPERS, '/staff/resting/contracts/999999/renew'],
  'POST /staff/resting/contracts/:id/renew': [KEEPERS, '/staff/resting/contracts/999999/renew'],
  'GET /staff/resting/contracts/:id/placements/:pid/remove': [
    KEEPERS,
    '/staff/resting/contracts/999999/placements/1/remove',
  ],
  'POST /staff/resting/contracts/:id/placements/:pid/remove': [
    KEEPERS,
    '/staff/resting/contracts/999999/placements/1/remove',
  ],
  'GET /staff/resting/contracts/:id/end': [KEEPERS, '/staff/resting/contracts/999999/end'],
  'POST /staff/resting/contracts/:id/end': [KEEPERS, '/staff/resting/contracts/999999/end'],
  'GET /api/v1/facilities/:id/inventory': [RESTING, '/api/v1/facilities/999/inventory'],
  'POST /api/v1/niches/:id/hold': [KEEPERS, '/api/v1/niches/999999/hold'],
  'POST /api/v1/plots/:id/hold': [KEEPERS, '/api/v1/plots/999999/hold'],
  // The lists staff work from (facility 999, contract 999999: none, so 404 to those let through); the bureaus' capacity
  // by county.
  'GET /staff/resting/capacity/counties': [BUREAUS, '/staff/resting/capacity/counties'],
  'GET /staff/resting/:id/expiring': [RESTING, '/staff/resting/999/expiring'],
  'POST /staff/resting/:id/expiring/reveal': [KEEPERS, '/staff/resting/999/expiring/reveal'],
  'GET /staff/resting/:id/expired': [RESTING, '/staff/resting/999/expired'],
  'POST /staff/resting/:id/expired/reveal': [KEEPERS, '/staff/resting/999/expired/reveal'],
  'GET /staff/resting/:id/expired/:cid': [RESTING, '/staff/resting/999/expired/999999'],
  'POST /staff/resting/:id/expired/:cid/reveal': [KEEPERS, '/staff/resting/999/expired/999999/reveal'],
  'POST /staff/resting/:id/expired/:cid/notices': [KEEPERS, '/staff/resting/999/expired/999999/notices'],
  'GET /staff/resting/:id/expired/:cid/clear': [KEEPERS, '/staff/resting/999/expired/999999/clear'],
  'POST /staff/resting/:id/expired/:cid/clear': [KEEPERS, '/staff/resting/999/expired/999999/clear'],
  'GET /staff/resting/:id/holds': [RESTING, '/staff/resting/999/holds'],
  'GET /staff/resting/:id/capacity': [RESTING, '/staff/resting/999/capacity'],
  'GET /api/v1/coverage': [BUREAUS, '/api/v1/coverage?region=520201&date=2025-12-31'],
  // Coverage dashboard and the lists behind its numbers (bureau).
  'GET /staff/coverage': [BUREAUS, '/staff/coverage?region=520201&date=2025-12-31'],
  'GET /staff/coverage/villages': [BUREAUS, '/staff/coverage/villages?region=520201&date=2025-12-31'],
  'GET /staff/coverage/townships': [BUREAUS, '/staff/coverage/townships?region=520201&date=2025-12-31'],
  'GET /staff/coverage/counties': [BUREAUS, '/staff/coverage/counties?region=520201&date=2025-12-31'],
  'GET /staff/coverage/facilities': [BUREAUS, '/staff/coverage/facilities?region=520201&date=2025-12-31'],
  // Coverage targets and yearly figures (bureau): target 999 does not exist, so the pages answer 404 to those allowed.
  'GET /staff/coverage/targets': [BUREAUS, '/staff/coverage/targets'],
  'GET /staff/coverage/targets/new': [['admin', 'bureau'], '/staff/coverage/targets/new'],
  'POST /staff/coverage/targets': [['admin', 'bureau'], '/staff/coverage/targets'],
  'GET /staff/coverage/targets/:id': [['admin', 'bureau'], '/staff/coverage/targets/999'],
  'POST /staff/coverage/targets/:id': [['admin', 'bureau'], '/staff/coverage/targets/999'],
  'GET /staff/coverage/targets/:id/delete': [['admin', 'bureau'], '/staff/coverage/targets/999/delete'],
  'POST /staff/coverage/targets/:id/delete': [['admin', 'bureau'], '/staff/coverage/targets/999/delete'],
  // 年度报送: the bureaus read; a county bureau reads only its county (5202 answers it 404), reviewers are the city's.
  'GET /staff/coverage/years': [BUREAUS, '/staff/coverage/years'],
  'GET /staff/coverage/years/submit': [BUREAUS, '/staff/coverage/years/submit?region=5202&year=2025'],
  'POST /staff/coverage/years/submit': [BUREAUS, '/staff/coverage/years/submit'],
  'GET /staff/coverage/years/:id': [BUREAUS, '/staff/coverage/years/999'],
  'POST /staff/coverage/years/:id/accept': [['admin', 'bureau'], '/staff/coverage/years/999/accept'],
  'POST /staff/coverage/years/:id/return': [['admin', 'bureau'], '/staff/coverage/years/999/return'],
  'GET /staff/coverage/compare': [BUREAUS, '/staff/coverage/compare'],
  'GET /staff/coverage/compare.csv': [BUREAUS, '/staff/coverage/compare.csv'],
  'GET /staff/coverage/compare.xlsx': [BUREAUS, '/staff/coverage/compare.xlsx'],
  'GET /staff/coverage/figures': [BUREAUS, '/staff/coverage/figures'],
  'POST /staff/coverage/figures': [BUREAUS, '/staff/coverage/figures'],
  'GET /staff/coverage/figures/graves': [BUREAUS, '/staff/coverage/figures/graves?region=520201'],
  'POST /staff/coverage/figures/graves': [BUREAUS, '/staff/coverage/figures/graves'],
  'GET /staff/coverage/figures/zones': [BUREAUS, '/staff/coverage/figures/zones'],
  'POST /staff/coverage/figures/zones': [BUREAUS, '/staff/coverage/figures/zones'],
  'GET /staff/coverage/figures/central-villages': [BUREAUS, '/staff/coverage/figures/central-villages?region=520201'],
  'POST /staff/coverage/figures/central-villages': [BUREAUS, '/staff/coverage/figures/central-villages'],
  'GET /staff/coverage/proposal': [BUREAUS, '/staff/coverage/proposal?region=520201&target=80'],
  'GET /staff/coverage/proposal.csv': [BUREAUS, '/staff/coverage/proposal.csv?region=520201&target=80'],
  'GET /staff/coverage/map': [BUREAUS, '/staff/coverage/map?region=520201&date=2025-12-31'],
  'GET /staff/coverage/map/data.json': [BUREAUS, '/staff/coverage/map/data.json?region=520201&date=2025-12-31'],
  'GET /staff/coverage/map/print': [BUREAUS, '/staff/coverage/map/print?region=520201&date=2025-12-31'],
  // Coverage progress report: a county's, the smallest there is.
  'GET /staff/coverage/report.pdf': [BUREAUS, '/staff/coverage/report.pdf?region=520201&date=2025-12-31'],
  'GET /staff/coverage/report.csv': [BUREAUS, '/staff/coverage/report.csv?region=520201&date=2025-12-31'],
  'GET /staff/coverage/report.xlsx': [BUREAUS, '/staff/coverage/report.xlsx?region=520201&date=2025-12-31'],
  'GET /api/v1/coverage/report.pdf': [BUREAUS, '/api/v1/coverage/report.pdf?region=520201&date=2025-12-31'],
  // What the report's sign-off block says, per region (bureau).
  'GET /staff/coverage/report-settings': [
    ['admin', 'bureau', 'county_bureau'],
    '/staff/coverage/report-settings?region=520201',
  ],
  'POST /staff/coverage/report-settings': [['admin', 'bureau', 'county_bureau'], '/staff/coverage/report-settings'],
  // 满意度: the bureaus (a county bureau its county's homes), admin, and a funeral home's front desk its own home.
  'GET /staff/satisfaction': [['admin', 'bureau', 'county_bureau', 'front_desk'], '/staff/satisfaction'],
  'GET /staff/satisfaction.csv': [['admin', 'bureau', 'county_bureau', 'front_desk'], '/staff/satisfaction.csv'],
  'POST /staff/coverage/report-settings/clear': [
    ['admin', 'bureau', 'county_bureau'],
    '/staff/coverage/report-settings/clear',
  ],
  // Visits (staff): cemetery staff keep their own facility's windows, bureaus read them; without ?facility= the others
  // choose one; window 999999 and code ZZZZZZZZ are none (404).
  // Fee waivers (issue 19): the bureaus keep the policies and lists, the front desk reads the policies; a declaration
  // belongs to a case (999999: none, so 404 for those who get through).
  'GET /staff/waivers': [['admin', 'bureau', 'county_bureau', 'front_desk'], '/staff/waivers'],
  'GET /staff/waivers/new': [BUREAUS, '/staff/waivers/new'],
  'POST /staff/waivers': [BUREAUS, '/staff/waivers'],
  'GET /staff/waivers/lists': [BUREAUS, '/staff/waivers/lists'],
  'POST /staff/waivers/lists': [BUREAUS, '/staff/waivers/lists'],
  'GET /staff/waivers/:id': [['admin', 'bureau', 'county_bureau', 'front_desk'], '/staff/waivers/999999'],
  'GET /staff/waivers/:id/edit': [BUREAUS, '/staff/waivers/999999/edit'],
  'POST /staff/waivers/:id': [BUREAUS, '/staff/waivers/999999'],
  'POST /staff/cases/:id/waivers/declarations': [CASES, '/staff/cases/999999/waivers/declarations'],
  'POST /staff/cases/:id/waivers/declarations/:group/delete': [
    CASES,
    '/staff/cases/999999/waivers/declarations/dibao/delete',
  ],
  // Waiver claims: the home submits and re-submits, the bureaus review and settle (999999: none, so 404).
  'POST /staff/cases/:id/waivers/claim': [FRONT, '/staff/cases/999999/waivers/claim'],
  'GET /staff/waivers/claims': [['admin', 'bureau', 'county_bureau', 'front_desk'], '/staff/waivers/claims'],
  'GET /staff/waivers/claims/:id': [['admin', 'bureau', 'county_bureau', 'front_desk'], '/staff/waivers/claims/999999'],
  'POST /staff/waivers/claims/:id/approve': [BUREAUS, '/staff/waivers/claims/999999/approve'],
  'POST /staff/waivers/claims/:id/reject': [BUREAUS, '/staff/waivers/claims/999999/reject'],
  'POST /staff/waivers/claims/:id/evidence': [BUREAUS, '/staff/waivers/claims/999999/evidence'],
  'POST /staff/waivers/claims/:id/resubmit': [FRONT, '/staff/waivers/claims/999999/resubmit'],
  'GET /staff/waivers/settlements': [BUREAUS, '/staff/waivers/settlements'],
  'POST /staff/waivers/settlements': [BUREAUS, '/staff/waivers/settlements'],
  'GET /staff/waivers/settlements/:id': [BUREAUS, '/staff/waivers/settlements/999999'],
  // Waiver reports (issue 19 item 5, 7): the bureaus and the administrator, in the county bureau's own county here.
  'GET /staff/waiver-reports': [BUREAUS, '/staff/waiver-reports?region=520201'],
  'GET /staff/waiver-reports.csv': [BUREAUS, '/staff/waiver-reports.csv?region=520201'],
  'GET /staff/waiver-reports.xlsx': [BUREAUS, '/staff/waiver-reports.xlsx?region=520201'],
  'GET /staff/waiver-reports.pdf': [BUREAUS, '/staff/waiver-reports.pdf?region=520201'],
  'GET /api/v1/waivers/summary': [BUREAUS, '/api/v1/waivers/summary?region=520201&from=2026-01-01&to=2026-12-31'],
  'GET /staff/visits': [VISITS, '/staff/visits'],
  'POST /staff/visits/settings': [VISIT_STAFF, '/staff/visits/settings'],
  'GET /staff/visits/generate': [VISIT_STAFF, '/staff/visits/generate'],
  'POST /staff/visits/generate': [VISIT_STAFF, '/staff/visits/generate'],
  'GET /staff/visits/windows/:id': [VISIT_STAFF, '/staff/visits/windows/999999'],
  'POST /staff/visits/windows/:id/capacity': [VISIT_STAFF, '/staff/visits/windows/999999/capacity'],
  'GET /staff/visits/windows/:id/status': [VISIT_STAFF, '/staff/visits/windows/999999/status'],
  'POST /staff/visits/windows/:id/status': [VISIT_STAFF, '/staff/visits/windows/999999/status'],
  'GET /staff/visits/windows/:id/reservations': [VISIT_STAFF, '/staff/visits/windows/999999/reservations'],
  'GET /staff/visits/book': [VISIT_STAFF, '/staff/visits/book'],
  'GET /staff/visits/lookup': [VISIT_STAFF, '/staff/visits/lookup?code=ZZZZZZZZ'],
  'GET /staff/visits/windows/:id/book': [VISIT_STAFF, '/staff/visits/windows/999999/book'],
  'POST /staff/visits/windows/:id/book': [VISIT_STAFF, '/staff/visits/windows/999999/book'],
  'GET /staff/visits/reservations/:code': [VISIT_STAFF, '/staff/visits/reservations/ZZZZZZZZ'],
  'GET /staff/visits/reservations/:code/cancel': [VISIT_STAFF, '/staff/visits/reservations/ZZZZZZZZ/cancel'],
  'POST /staff/visits/reservations/:code/cancel': [VISIT_STAFF, '/staff/visits/reservations/ZZZZZZZZ/cancel'],
  'GET /staff/visits/gate': [VISIT_STAFF, '/staff/visits/gate'],
  'POST /staff/visits/gate': [VISIT_STAFF, '/staff/visits/gate'],
  'GET /staff/visits/day': [VISITS, '/staff/visits/day'],
};

describe(`permissions: route × role (${dialect})`, () => {
  let app: TestApp;
  const clients = new Map<Role, Client>();
  const tokens = new Map<Role, string>();

  before(async () => {
    app = await startApp();
    for (const role of ALL) {
      clients.set(role, await signedIn(app, role));
      const user = await app.db('users').where({ username: demoUsernames[role] }).first('id');
      tokens.set(role, (await createToken(app.db, null, user.id, `test ${role}`, null)).token);
    }
  });
  after(() => app.close());

  const protectedRoutes = () => app.routes.filter((r) => r.roles !== 'public');

  it('has an entry in this table for every protected route, with the same roles', () => {
    const seen = protectedRoutes().map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(seen.length).to.be.greaterThan(10);
    for (const key of seen) expect(table, `no permission entry for ${key}`).to.have.property(key);
    for (const r of protectedRoutes()) {
      expect([...(r.roles as Role[])].sort(), `roles of ${r.method} ${r.path}`).to.deep.equal(
        [...table[`${r.method.toUpperCase()} ${r.path}`][0]].sort(),
      );
    }
  });

  for (const [key, [allowed, path]] of Object.entries(table)) {
    const method = key.split(' ')[0];
    it(`${key}: allows ${allowed.join(', ')} and refuses the others`, async () => {
      for (const role of ALL) {
        const c = clients.get(role)!;
        const auth = { authorization: `Bearer ${tokens.get(role)}` };
        const res = path.startsWith('/api/')
          ? await c.request(method, path, { headers: auth, json: method === 'GET' ? undefined : {} })
          : method === 'GET'
            ? await c.get(path)
            : await c.post(path, {});
        if (allowed.includes(role)) {
          expect(res.status, `${role} on ${key}`).to.not.be.oneOf([401, 403]);
          if (res.status === 302) expect(res.location).to.not.match(/^\/login/);
        } else expect(res.status, `${role} on ${key}`).to.equal(403);
      }
      const stranger = new Client(app.url);
      const res = method === 'GET' ? await stranger.get(path) : await stranger.post(path, {}, { from: '/login' });
      if (path.startsWith('/api/')) expect(res.status).to.equal(401);
      else {
        expect(res.status, `stranger on ${key}`).to.equal(302);
        expect(res.location).to.match(/^\/login\?next=/);
      }
    });
  }
});
