// Links a page draws lead to pages the reader may open: a county bureau reading a waiver claim sees the case's number
// but no link to the case (cases are not the county's), a facility page offers a funeral home's resources only to the
// roles that keep them, and the coverage tabs of a county's table of years stay inside the county. Then every role
// walks its pages from the dashboard, following the links it is shown: none of them answers 403, 404 or 500, and
// none shows a slip (a value the template could not write, a message key without its text).
import { expect } from 'chai';
import type { Role } from '../../server/accounts/roles.js';
import { mayOpen } from '../../server/http/routes.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { fixtureVersion, insertClaim } from '../waivers/claim-fixtures.js';

/** The hrefs of a page that stay in the staff area, as the browser reads them (entities decoded, no fragment). */
function staffLinks(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="(\/staff[^"]*)"/g)].map(
    (m) =>
      m[1]
        .replace(/&#x3D;/g, '=')
        .replace(/&amp;/g, '&')
        .split('#')[0],
  );
}

/**
 * What a page must never show a person: a value the template could not write (`[object Object]`, `undefined`,
 * `NaN`, an invalid date) or a catalog key with no text (`audit.entities.funeral_case`).
 */
const SLIPS = /\[object Object\]|\bundefined\b|\bNaN\b|Invalid Date(Time)?|\b[a-z_]+\.[a-z_]+\.[a-z_]+\b/g;

describe(`links to pages the reader may open (${dialect})`, () => {
  let app: TestApp;
  let claimId: number;
  let caseId: number;
  let funeralHome: number;

  before(async () => {
    app = await startApp();
    const home = await app.db('facilities').where({ kind: 'funeral_home' }).where('region_code', 'like', '520201%');
    funeralHome = home[0].id;
    claimId = await insertClaim(app.db, await fixtureVersion(app.db), {
      facility: funeralHome,
      household: '520201101001',
      death: '2026-03-01',
      status: 'submitted',
      lines: [{ fen: 30_000 }],
    });
    caseId = (await app.db('waiver_claims').where({ id: claimId }).first()).case_id;
  });
  after(() => app.close());

  it('mayOpen answers with the roles of the GET route Express would pick, the query ignored', () => {
    const may = (role: Role, href: string) => mayOpen(app.routes, role, href);
    expect(may('admin', '/staff/cases/12')).to.equal(true);
    expect(may('front_desk', '/staff/cases/12?tab=money')).to.equal(true);
    expect(may('county_bureau', '/staff/cases/12')).to.equal(false);
    expect(may('bureau', '/staff/funeral-homes/3/resources')).to.equal(true);
    expect(may('county_bureau', '/staff/funeral-homes/3/resources')).to.equal(false);
    expect(may('cemetery_staff', '/staff/funeral-homes/3/resources')).to.equal(false);
    expect(may('county_bureau', '/staff/waivers/claims/1')).to.equal(true);
    expect(may('county_bureau', '/')).to.equal(true); // a public page
    expect(may('admin', '/staff/no-such-page')).to.equal(false);
    expect(may('admin', '/staff/cases/12/no-such-tab')).to.equal(false);
  });

  it('a waiver claim links to its case for the roles that read cases, and only names it for a county bureau', async () => {
    const caseHref = `href="/staff/cases/${caseId}"`;
    const county = await signedIn(app, 'county_bureau');
    const asCounty = await county.get(`/staff/waivers/claims/${claimId}`);
    expect(asCounty.status).to.equal(200);
    const caseNumber = (await app.db('funeral_cases').where({ id: caseId }).first()).case_number as string;
    expect(asCounty.text).to.include(caseNumber);
    expect(asCounty.text).not.to.include(caseHref);
    expect((await county.get(`/staff/cases/${caseId}`)).status).to.equal(403);

    const bureau = await signedIn(app, 'bureau');
    const asBureau = await bureau.get(`/staff/waivers/claims/${claimId}`);
    expect(asBureau.text).to.include(caseHref);
    expect((await bureau.get(`/staff/cases/${caseId}`)).status).to.equal(200);
  });

  it("a funeral home's page offers its resources to those who keep them, not to a county bureau", async () => {
    const href = `href="/staff/funeral-homes/${funeralHome}/resources"`;
    const county = await signedIn(app, 'county_bureau');
    const asCounty = await county.get(`/staff/facilities/${funeralHome}`);
    expect(asCounty.status).to.equal(200);
    expect(asCounty.text).not.to.include(href);
    const bureau = await signedIn(app, 'bureau');
    expect((await bureau.get(`/staff/facilities/${funeralHome}`)).text).to.include(href);
  });

  it("the coverage tabs of a county bureau's table of years carry its county, not the city", async () => {
    const county = await signedIn(app, 'county_bureau');
    const page = await county.get('/staff/coverage/years');
    expect(page.status).to.equal(200);
    const tabs = staffLinks(page.text).filter((h) => /^\/staff\/coverage\/(proposal|map|compare)/.test(h));
    expect(tabs).to.not.be.empty;
    for (const href of tabs) expect(href, href).to.match(/region=520201(&|$)/);
    for (const href of tabs) expect((await county.get(href)).status, href).to.equal(200);
  });

  // Each role from its dashboard, breadth first, at most two pages of each shape (ids taken as one) and 80 pages in
  // all: the pages it is shown links to are pages it may open.
  for (const role of ['county_bureau', 'front_desk', 'cemetery_staff', 'bureau', 'admin'] as const) {
    it(`${role}: every staff link on its pages opens, and no page shows a code or a slip of the template`, async function () {
      this.timeout(120_000);
      const client: Client = await signedIn(app, role);
      const queue = ['/staff'];
      const seen = new Set<string>();
      const shapes = new Map<string, number>();
      const failures: string[] = [];
      let opened = 0;
      while (queue.length && opened < 80) {
        const href = queue.shift()!;
        if (seen.has(href)) continue;
        seen.add(href);
        const shape = href.replace(/\d+/g, 'N').replace(/\?.*/, '?');
        const n = (shapes.get(shape) ?? 0) + 1;
        shapes.set(shape, n);
        if (n > 2) continue;
        opened++;
        const reply = await client.get(href);
        if (reply.status >= 400) failures.push(`${href} → ${reply.status}`);
        if (reply.status !== 200 || !reply.headers.get('content-type')?.includes('text/html')) continue;
        const slips = textOf(reply.text).match(SLIPS);
        if (slips) failures.push(`${href} shows ${[...new Set(slips)].join(', ')}`);
        for (const link of staffLinks(reply.text)) if (!seen.has(link)) queue.push(link);
      }
      expect(opened).to.be.greaterThan(10);
      expect(failures).to.deep.equal([]);
    });
  }
});
