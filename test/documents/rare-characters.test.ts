// Names with characters beyond Noto Sans Hans (𠮷 U+20BB7, 𪚥 U+2A6A5, CJK Extension B) in the certificate and the
// statement of charges: drawn from a fallback font where this machine has one, and otherwise named to the front desk
// at intake, in the JSON answer and on the case page. The second half runs on every machine as one without them.
import { expect } from 'chai';
import { createToken } from '../../server/accounts/tokens.js';
import { checkCharacter } from '../../server/cases/id-number.js';
import { loadFonts, unprintable } from '../../server/documents/fonts.js';
import { startApp, dialect, type TestApp } from '../helpers/app.js';
import { type Client, signedIn, textOf } from '../helpers/client.js';
import { fallbackFontsIn, pdfFonts, pdfText } from './pdf-tools.js';
import { localField, pastBooking, recordForm } from '../cremation/fixtures.js';
import { receiveAndStore } from '../custody/steps.js';

const id = (first17: string) => first17 + checkCharacter(first17);

/** The intake form, a case page, status moves and PDFs, for one front-desk client of one app. */
function desk(app: TestApp, client: Client, homeId: number) {
  const form = (over: Record<string, string>) => ({
    facility_id: String(homeId),
    deceased_name: '王𠮷',
    id_number: id('52020119400101001'),
    sex: '',
    birth_date: '',
    death_at: '2026-11-20T06:30',
    death_place: '',
    death_certificate_no: '',
    household_region__county: '520201',
    household_region__township: '',
    household_region__village: '',
    contact_name: '𪚥',
    contact_phone: '13908581234',
    contact_relationship: '儿子',
    pickup_address: '',
    pickup_at: '',
    ...over,
  });
  return {
    /** Sends the intake form; when it comes back with the warning, sends it again as it is, as a clerk who confirms does. */
    async register(over: Record<string, string> = {}): Promise<{ id: number; warning: string | null }> {
      const values = form(over);
      let res = await client.post('/staff/cases', values, { from: '/staff/cases/new' });
      let warning: string | null = null;
      if (res.status === 200) {
        warning = textOf(/<div class="warning"[\s\S]*?<\/div>/.exec(res.text)?.[0] ?? '');
        const ok = /name="unprintable_ok" value="([^"]*)"/.exec(res.text)?.[1];
        expect(ok, 'the form carries what the clerk confirms').to.be.a('string');
        res = await client.post('/staff/cases', {
          ...values,
          request_id: /name="request_id" value="([^"]+)"/.exec(res.text)![1],
          unprintable_ok: ok!,
        });
      }
      expect(res.status, textOf(res.text).slice(0, 300)).to.equal(302);
      return { id: Number(res.location!.split('/').pop()), warning };
    },
    async cremate(caseId: number): Promise<void> {
      // Received and stored by the custody forms, before the cremation slot (the status form refuses those steps).
      await receiveAndStore(client, caseId, { received_at: '2026-11-20T09:00' });
      // Cremated only by recording against a booking whose slot has begun.
      const cremator = (await app.db('cremators').where({ facility_id: homeId }).orderBy('id').first('id')).id;
      const booking = await pastBooking(app.db, 'cremator', caseId, cremator);
      const res = await recordForm(client, booking.id, {
        started_at: localField(booking.starts_at, 5),
        ended_at: localField(booking.starts_at, 55),
        cremator_id: cremator,
      });
      expect(res.status, 'record cremation').to.equal(302);
    },
    async pdf(url: string): Promise<Buffer> {
      const cookie = (client as unknown as { cookieHeader(): string }).cookieHeader();
      const res = await fetch(app.url + url, { headers: { cookie } });
      expect(res.status, url).to.equal(200);
      return Buffer.from(await res.arrayBuffer());
    },
  };
}

describe(`documents: rare characters with this machine's fonts (${dialect})`, function () {
  this.timeout(60_000);
  let app: TestApp;
  let d: ReturnType<typeof desk>;
  /** Whether a fallback font here has both characters: CI installs fonts-babelstone-han, a bare machine may have none. */
  let printable: boolean;
  let rare: { id: number; warning: string | null };

  before(async () => {
    app = await startApp();
    const home = await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id');
    d = desk(app, await signedIn(app, 'front_desk'), home.id);
    printable = unprintable(loadFonts(app.ctx.config.fallbackFonts), '𠮷𪚥').length === 0;
    rare = await d.register();
    await d.cremate(rare.id);
  });
  after(() => app.close());

  it('prints 王𠮷 and 𪚥 on the certificate from a fallback font, or warned at intake that they cannot print', async () => {
    const pdf = await d.pdf(`/staff/cases/${rare.id}/certificate.pdf`);
    if (printable) {
      expect(rare.warning, 'no warning when a font has them').to.equal(null);
      expect(pdfText(pdf)).to.contain('王𠮷').and.contain('𪚥（儿子）').and.contain('兹证明逝者王𠮷的遗体');
      expect(fallbackFontsIn(pdf), 'a fallback font embedded for them').to.have.length.of.at.least(1);
    } else {
      expect(rare.warning).to.contain('逝者姓名：𠮷（U+20BB7）').and.contain('联系人姓名：𪚥（U+2A6A5）');
      expect(fallbackFontsIn(pdf)).to.deep.equal([]);
    }
  });

  it('prints them on the statement of charges too, with the main font for everything else', async () => {
    const pdf = await d.pdf(`/staff/cases/${rare.id}/receipt.pdf`);
    expect(pdfFonts(pdf)).to.include('NotoSansHans-Regular');
    if (printable) {
      expect(pdfText(pdf)).to.contain('王𠮷').and.contain('𪚥（儿子）');
      expect(fallbackFontsIn(pdf)).to.have.length.of.at.least(1);
    } else {
      expect(fallbackFontsIn(pdf)).to.deep.equal([]);
    }
  });

  it('embeds no fallback font in documents whose names the main font has', async () => {
    const plain = await d.register({
      deceased_name: '赵淑华',
      contact_name: '赵明',
      id_number: id('52020119381102002'),
    });
    expect(plain.warning).to.equal(null);
    await d.cremate(plain.id);
    for (const doc of ['certificate', 'receipt']) {
      const pdf = await d.pdf(`/staff/cases/${plain.id}/${doc}.pdf`);
      expect(pdfText(pdf), doc).to.contain('赵淑华');
      expect(fallbackFontsIn(pdf), doc).to.deep.equal([]);
    }
  });
});

describe(`documents: rare characters on a machine without fallback fonts (${dialect})`, function () {
  this.timeout(60_000);
  let app: TestApp;
  let client: Client;
  let d: ReturnType<typeof desk>;
  let homeId: number, token: string;
  const cases = () =>
    app
      .db('funeral_cases')
      .count({ n: '*' })
      .then((r) => Number(r[0].n));

  before(async () => {
    app = await startApp({ config: { fallbackFonts: [] } });
    homeId = (await app.db('facilities').where({ kind: 'funeral_home' }).orderBy('id').first('id')).id;
    client = await signedIn(app, 'front_desk');
    d = desk(app, client, homeId);
    const user = await app.db('users').where({ username: 'frontdesk' }).first('id');
    token = (await createToken(app.db, null, user.id, 'intake', null)).token;
  });
  after(() => app.close());

  it('warns at intake which characters will not print, without saving, and saves when the clerk sends it again', async () => {
    const before = await cases();
    const values = {
      facility_id: String(homeId),
      deceased_name: '王𠮷',
      id_number: id('52020119400101011'),
      death_at: '2026-11-20T06:30',
      household_region__county: '520201',
      contact_name: '𪚥',
      contact_phone: '13908581234',
      contact_relationship: '儿子',
    };
    const first = await client.post('/staff/cases', values, { from: '/staff/cases/new' });
    expect(first.status).to.equal(200);
    const page = textOf(first.text);
    expect(page)
      .to.contain('以下字符在打印的火化证明和收费明细上无法显示')
      .and.contain('逝者姓名：𠮷（U+20BB7）')
      .and.contain('联系人姓名：𪚥（U+2A6A5）');
    expect(page).to.contain('仍然登记');
    expect(first.text).to.contain('value="王𠮷"'); // the form keeps what was typed
    expect(await cases(), 'nothing saved yet').to.equal(before);

    const ok = /name="unprintable_ok" value="([^"]*)"/.exec(first.text)![1];
    const requestId = /name="request_id" value="([^"]+)"/.exec(first.text)![1];
    // A name changed to another character the font lacks is warned about again.
    const changed = await client.post('/staff/cases', {
      ...values,
      deceased_name: '王𠮷𠀀',
      request_id: requestId,
      unprintable_ok: ok,
    });
    expect(changed.status).to.equal(200);
    expect(textOf(changed.text)).to.contain('𠀀（U+20000）');
    const saved = await client.post('/staff/cases', { ...values, request_id: requestId, unprintable_ok: ok });
    expect(saved.status).to.equal(302);
    expect(await cases()).to.equal(before + 1);
    const row = await app
      .db('funeral_cases as c')
      .join('case_contacts as k', 'k.case_id', 'c.id')
      .where({ 'c.request_id': requestId })
      .first('c.deceased_name', 'k.name as contact_name');
    expect(row).to.deep.include({ deceased_name: '王𠮷', contact_name: '𪚥' });
  });

  it('saves a name the main font has at once, with no warning', async () => {
    const { warning } = await d.register({
      deceased_name: '钱国栋',
      contact_name: '钱芳',
      id_number: id('52020119520817003'),
    });
    expect(warning).to.equal(null);
  });

  it('answers the JSON intake with the characters that will not print, and saves the case', async () => {
    const send = (name: string, idNumber: string) =>
      fetch(`${app.url}/api/v1/cases`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          facility_id: homeId,
          deceased: { name, id_number: idNumber, death_at: '2026-11-20T06:30:00+08:00' },
          contact: { name: '𪚥', phone: '13908581234', relationship: '女儿' },
        }),
      });
    const res = await send('王𠮷', id('52020119400101020'));
    expect(res.status).to.equal(201);
    const body = await res.json();
    expect(body.case_number).to.be.a('string');
    expect(body.warnings).to.deep.equal([
      {
        field: 'deceased.name',
        code: 'unprintable_characters',
        characters: ['𠮷'],
        message: '这些字符在打印的单据上无法显示：𠮷 U+20BB7',
      },
      {
        field: 'contact.name',
        code: 'unprintable_characters',
        characters: ['𪚥'],
        message: '这些字符在打印的单据上无法显示：𪚥 U+2A6A5',
      },
    ]);
    expect(await app.db('funeral_cases').where({ id: body.id }).first('deceased_name')).to.deep.equal({
      deceased_name: '王𠮷',
    });
  });

  it('shows the warning on the page of a case saved earlier, before anything is printed', async () => {
    const { id: caseId } = await d.register({
      deceased_name: '𪚥',
      contact_name: '王明',
      id_number: id('52020119400101039'),
    });
    const page = textOf((await client.get(`/staff/cases/${caseId}`)).text);
    expect(page).to.contain('以下字符在打印的火化证明和收费明细上无法显示').and.contain('逝者姓名：𪚥（U+2A6A5）');
    expect(page).to.not.contain('联系人姓名：');
    const plain = await app.db('funeral_cases').where({ deceased_name: '钱国栋' }).first('id');
    expect(textOf((await client.get(`/staff/cases/${plain.id}`)).text)).to.not.contain('无法显示');
  });

  it('prints the certificate in the main font alone, as the warning said', async () => {
    const { id: caseId } = await d.register({ id_number: id('52020119400101047') });
    await d.cremate(caseId);
    const pdf = await d.pdf(`/staff/cases/${caseId}/certificate.pdf`);
    expect(pdfFonts(pdf)).to.include('NotoSansHans-Regular');
    expect(fallbackFontsIn(pdf)).to.deep.equal([]);
  });
});
