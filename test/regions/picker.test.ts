// Which region a submitted picker means.
import { expect } from 'chai';
import { pickedCode } from '../../server/regions/picker.js';
import { isAdminVillageName, levelOfCode } from '../../server/regions/levels.js';

describe('region picker input', () => {
  it('takes the deepest consistent level', () => {
    expect(pickedCode({ r__county: '520201', r__township: '520201101', r__village: '' }, 'r')).to.equal('520201101');
  });
  it('drops a lower level that belongs to another region', () => {
    expect(pickedCode({ r__county: '520203', r__township: '520201101' }, 'r')).to.equal('520203');
  });
  it('ignores malformed codes and accepts a plain code parameter', () => {
    expect(pickedCode({ r__county: '52x201' }, 'r')).to.equal('');
    expect(pickedCode({ r: '520201' }, 'r')).to.equal('520201');
  });
  it('knows levels by code length and villages by name', () => {
    expect(levelOfCode('520201101')).to.equal('township');
    expect(isAdminVillageName('大河村村民委员会')).to.equal(true);
    expect(isAdminVillageName('凤凰村委会')).to.equal(true);
    expect(isAdminVillageName('黄土坡社区居民委员会')).to.equal(false);
  });
});
