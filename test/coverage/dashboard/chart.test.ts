// The coverage chart as an SVG string: well-formed XML a screen reader can name, text escaped, one bar per measured
// year and one marker per target, percentages with one decimal.
import { expect } from 'chai';
import { SaxesParser } from 'saxes';
import { renderChart, type ChartPoint, type ChartText } from '../../../server/coverage/dashboard/chart.js';

interface Node {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: Node[];
}

/** Parses strictly (any XML error throws) into a small tree. */
function parseXml(xml: string): Node {
  const parser = new SaxesParser({ xmlns: false });
  const root: Node = { name: '#root', attributes: {}, text: '', children: [] };
  const stack = [root];
  parser.on('opentag', (tag) => {
    const node: Node = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '', children: [] };
    stack[stack.length - 1].children.push(node);
    stack.push(node);
  });
  parser.on('text', (t) => {
    stack[stack.length - 1].text += t;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (e) => {
    throw e;
  });
  parser.write(xml).close();
  expect(root.children).to.have.length(1);
  return root.children[0];
}

const all = (n: Node, name: string): Node[] => [
  ...(n.name === name ? [n] : []),
  ...n.children.flatMap((c) => all(c, name)),
];
const textOf = (n: Node): string => n.text + n.children.map(textOf).join('');

const words: ChartText = {
  title: '六盘水市行政村覆盖率：历年实际与目标',
  desc: '2021年：6.1%；2022年：25.6%，目标 25.0%',
  actual: '年末实际',
  partial: '截至11月25日',
  target: '目标',
  year: (y) => `${y}年`,
};

const points: ChartPoint[] = [
  { year: 2021, actual: 0.0612, target: null },
  { year: 2022, actual: 0.2563, target: 0.25 },
  { year: 2023, actual: 0.46, target: 0.5 },
  { year: 2024, actual: 0.8, target: 0.8, partial: true },
  { year: 2025, actual: null, target: 1 },
];

describe('coverage chart (SVG)', () => {
  it('is well-formed XML with an accessible name and description', () => {
    const svg = parseXml(renderChart(points, words, { id: 'c1' }));
    expect(svg.name).to.equal('svg');
    expect(svg.attributes).to.include({
      xmlns: 'http://www.w3.org/2000/svg',
      role: 'img',
      'aria-labelledby': 'c1-title c1-desc',
    });
    const [title] = svg.children.filter((c) => c.name === 'title');
    const [desc] = svg.children.filter((c) => c.name === 'desc');
    expect(title.attributes.id).to.equal('c1-title');
    expect(title.text).to.equal(words.title);
    expect(desc.attributes.id).to.equal('c1-desc');
    expect(desc.text).to.equal(words.desc);
  });

  it('draws a bar for each year measured and a marker and value for each target', () => {
    const svg = parseXml(renderChart(points, words, { id: 'c2' }));
    const bars = all(svg, 'rect').filter((r) => all(r, 'title').length === 1);
    expect(bars.map((b) => textOf(b))).to.deep.equal([
      '2021年 年末实际 6.1%',
      '2022年 年末实际 25.6%',
      '2023年 年末实际 46.0%',
      '2024年 截至11月25日 80.0%',
    ]);
    const markers = all(svg, 'path').filter((p) => all(p, 'title').length === 1);
    expect(markers.map((m) => textOf(m))).to.deep.equal([
      '2022年 目标 25.0%',
      '2023年 目标 50.0%',
      '2024年 目标 80.0%',
      '2025年 目标 100.0%',
    ]);
    const labels = all(svg, 'text').map((t) => t.text);
    for (const y of ['2021年', '2022年', '2023年', '2024年', '2025年']) expect(labels).to.include(y);
    expect(labels).to.include('目标 100.0%').and.include('6.1%').and.include('80.0%');
    // A taller bar is higher up: 2023's top is above 2022's.
    const top = (b: Node) => Number(b.attributes.y);
    expect(top(bars[2])).to.be.lessThan(top(bars[1]));
  });

  it('escapes every text it is given', () => {
    const nasty = '<script>alert("x")</script> & \'quote\'';
    const xml = renderChart(
      points,
      { ...words, title: nasty, desc: nasty, actual: nasty, year: () => nasty },
      { id: 'c3"><script>' },
    );
    expect(xml).to.not.contain('<script>');
    const svg = parseXml(xml);
    expect(svg.children.find((c) => c.name === 'title')!.text).to.equal(nasty);
    expect(svg.attributes.id).to.equal(undefined);
    expect(svg.attributes['aria-labelledby']).to.equal('c3script-title c3script-desc');
  });

  it('stays well-formed with no years, and with no data at all', () => {
    expect(parseXml(renderChart([], words, { id: 'e' })).name).to.equal('svg');
    const svg = parseXml(renderChart([{ year: 2026, actual: null, target: null }], words, { id: 'e2' }));
    expect(all(svg, 'rect').filter((r) => all(r, 'title').length)).to.have.length(0);
  });

  it('labels bars and targets as every page writes a rate (one decimal, half up)', () => {
    const svg = renderChart([{ year: 2024, actual: 8 / 9, target: 0.8 }], words, { id: 'r' });
    expect(svg).to.contain('>88.9%</text>').and.contain('80.0%');
    expect(renderChart([{ year: 2024, actual: 0.0625, target: null }], words, { id: 'h' })).to.contain('>6.3%</text>');
  });
});
