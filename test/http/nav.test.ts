// Which navigation entry a page belongs to.
import { expect } from 'chai';
import { navFor } from '../../server/http/nav.js';

const current = (path: string) =>
  navFor('admin', path)
    .filter((i) => i.current)
    .map((i) => i.key);

describe('navigation', () => {
  it('marks exactly one entry for pages of each section', () => {
    expect(current('/staff')).to.deep.equal(['nav.dashboard']);
    expect(current('/staff/cases/12')).to.deep.equal(['nav.cases']);
    expect(current('/staff/funeral-homes/1/resources')).to.deep.equal(['nav.cremation']);
    expect(current('/staff/funeral-homes/1/closures/new')).to.deep.equal(['nav.cremation']);
    expect(current('/staff/funeral-homes/1/prices/3')).to.deep.equal(['nav.prices']);
    expect(current('/staff/funeral-homes')).to.deep.equal(['nav.prices']);
  });
  it('sends staff tied to a funeral home to its own price list', () => {
    const prices = navFor('front_desk', '/staff', 7).find((i) => i.key === 'nav.prices');
    expect(prices?.href).to.equal('/staff/funeral-homes/7/prices');
  });
});
