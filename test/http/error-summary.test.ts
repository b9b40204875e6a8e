// The error summary names each field by the label its page shows.
import { expect } from 'chai';
import { fieldName, nameSummaryFields } from '../../server/http/error-summary.js';

describe('http: error summary field names', () => {
  const page = `
    <ul><li><a href="#id_number"><span data-field-name="id_number"></span>校验位不正确。</a></li>
    <li><a href="#household_region"><span data-field-name="household_region"></span>没有这个地区。</a></li>
    <li><a href="#other"><span data-field-name="other"></span>有误。</a></li></ul>
    <label for="id_number">身份证号<span class="muted small">（必填）</span></label><input id="id_number">
    <div id="household_region" tabindex="-1"><fieldset><legend>户籍地</legend>
    <label for="household_region__county">区县</label></fieldset></div>`;

  it("reads a field's label, without the required marker", () => {
    expect(fieldName(page, 'id_number')).to.equal('身份证号');
  });
  it('reads the legend of a group of inputs held by an element with the id', () => {
    expect(fieldName(page, 'household_region')).to.equal('户籍地');
  });
  it('fills each line with its field name, and leaves a line alone when the page labels no such field', () => {
    const out = nameSummaryFields(page, '：');
    expect(out).to.contain('<a href="#id_number">身份证号：校验位不正确。</a>');
    expect(out).to.contain('<a href="#household_region">户籍地：没有这个地区。</a>');
    expect(out).to.contain('<a href="#other">有误。</a>');
    expect(out).to.not.contain('data-field-name');
  });
  it('keeps what the page escaped escaped', () => {
    const html = '<a><span data-field-name="n"></span>x</a><label for="n">A &amp; B&lt;</label>';
    expect(nameSummaryFields(html, ': ')).to.contain('A &amp; B&lt;: x');
  });
});
