// A case's family over HTTP: contacts (one ashes recipient, whoever races), the phone forms families give, the
// contact log's time rules, and finding a case by a relative's name or phone.
import { expect } from 'chai';
import { DateTime } from 'luxon';
import { ashesRecipient } from '../../server/cases/service.js';
import { normalisePhone } from '../../server/cases/phone.js';
import { maskPhone } from '../../server/http/format.js';
import { dialect, startApp, type TestApp } from '../helpers/app.js';
import { signedIn, textOf, type Client } from '../helpers/client.js';
import { homes, openCase, otherDesk, WANG_ID } from './family-fixtures.js';

const shanghai = (d: DateTime) => d.setZone('Asia/Shanghai').toFormat("yyyy-MM-dd'T'HH:mm");

describe('cases: phone numbers as families give them', () => {
  it('accepts mobiles, landlines with their area code and +86 numbers, each in one stored form', () => {
    const accepted: [string, string][] = [
      ['13908581234', '13908581234'],
      ['139 0858 1234', '13908581234'],
      ['139-0858-1234', '13908581234'],
      ['+86 139 0858 1234', '13908581234'],
      ['+8613908581234', '13908581234'],
      ['0086 13908581234', '13908581234'],
      ['１３９０８５８１２３４', '13908581234'],
      ['0858-8221234', '0858-8221234'],
      ['0858 8221234', '0858-8221234'],
      ['(0858)8221234', '0858-8221234'],
      ['08588221234', '0858-8221234'],
      ['010 12345678', '010-12345678'],
      ['010-12345678', '010-12345678'],
      ['021-62345678', '021-62345678'],
      ['+86 10 12345678', '010-12345678'],
      ['+86 858 8221234', '0858-8221234'],
      ['0851-86812345', '0851-86812345'],
    ];
    for (const [typed, stored] of accepted) expect(normalisePhone(typed)?.normalised, typed).to.equal(stored);
  });

  it('refuses what is no mainland mobile or landline', () => {
    for (const typed of [
      '',
      '1390858123',
      '139085812345',
      '12908581234',
      '0851-1234',
      '010-1234567',
      '0858-0221234',
      '+86 0858 8221234',
      '+1 415 555 0100',
      '13908581234x',
      '电话13908581234',
      '00-12345678',
    ])
      expect(normalisePhone(typed), typed).to.equal(undefined);
  });

  it('masks a mobile as 139****1234 and a landline as 0858****234', () => {
    expect(maskPhone('13908581234')).to.equal('139****1234');
    expect(maskPhone('0858-8221234')).to.equal('0858****234');
    expect(maskPhone('010-12345678')).to.equal('010****678');
  });
});

describe(`cases: family contacts, contact log and search by family (${dialect})`, () => {
  let app: TestApp;
  let desk: Client, bureau: Client, panzhou: Client;
  let home: number, otherHome: number;

  before(async () => {
    app = await startApp();
    [home, otherHome] = await homes(app);
    desk = await signedIn(app, 'front_desk');
    bureau = await signedIn(app, 'bureau');
    panzhou = await otherDesk(app, otherHome, 'panzhou_family');
  });
  after(() => app.close());

  const contactsOf = (caseId: number) => app.db('case_contacts').where({ case_id: caseId }).orderBy('id');

  it('makes the intake contact the first contact and the ashes recipient, its landline stored in one form', async () => {
    const caseId = await openCase(app, desk, home, { contact_phone: '0858 8221234', contact_name: '李强' });
    const rows = await contactsOf(caseId);
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ name: '李强', phone: '0858-8221234', relationship: '女儿' });
    expect(Boolean(rows[0].is_ashes_recipient)).to.equal(true);
    const recipient = await ashesRecipient(app.db, caseId);
    expect(recipient).to.include({ name: '李强', is_ashes_recipient: true });
    const page = await desk.get(`/staff/cases/${caseId}`);
    expect(textOf(page.text)).to.contain('李强').and.contain('骨灰领取人').and.contain('0858-8221234');
    // the bureau reads the case with the phone masked
    const read = await bureau.get(`/staff/cases/${caseId}`);
    expect(textOf(read.text)).to.contain('0858****234').and.not.contain('0858-8221234');
  });

  it('refuses a bad phone or ID number with a message per field and writes nothing', async () => {
    const caseId = await openCase(app, desk, home);
    const intake = await desk.post(
      '/staff/cases',
      { facility_id: String(home), deceased_name: '某', id_number: '1', death_at: '', contact_phone: '0851-1234' },
      { from: '/staff/cases/new' },
    );
    expect(intake.status).to.equal(400);
    const res = await desk.post(
      `/staff/cases/${caseId}/contacts`,
      { name: '王强', phone: '12345', relationship: '儿子', id_number: '520201197001010019', note: '' },
      { from: `/staff/cases/${caseId}/contacts/new` },
    );
    expect(res.status).to.equal(400);
    const text = textOf(res.text);
    expect(text).to.contain('请填写手机号码（11 位）或带区号的固定电话').and.contain('校验位不正确');
    expect(res.text).to.match(/href="#phone"/);
    expect(await contactsOf(caseId)).to.have.length(1);
  });

  it('adds and edits contacts, each change audited without the phone or ID number in clear', async () => {
    const caseId = await openCase(app, desk, home);
    const add = await desk.post(
      `/staff/cases/${caseId}/contacts`,
      { name: '王强', phone: '+86 138 0851 0000', relationship: '儿子', id_number: WANG_ID, note: '在外地' },
      { from: `/staff/cases/${caseId}/contacts/new` },
    );
    expect(add.status).to.equal(302);
    const added = (await contactsOf(caseId))[1];
    expect(added).to.include({ name: '王强', phone: '13808510000', id_number: WANG_ID, note: '在外地' });
    expect(Boolean(added.is_ashes_recipient)).to.equal(false);
    const edit = await desk.post(
      `/staff/cases/${caseId}/contacts/${added.id}`,
      { name: '王强', phone: '010 12345678', relationship: '长子', id_number: '', note: '' },
      { from: `/staff/cases/${caseId}/contacts/${added.id}/edit` },
    );
    expect(edit.status, textOf(edit.text).slice(0, 600)).to.equal(302);
    const edited = await app.db('case_contacts').where({ id: added.id }).first();
    expect(edited).to.include({ phone: '010-12345678', relationship: '长子', id_number: null, note: null });
    const audits = await app
      .db('audit_log')
      .where({ entity: 'funeral_case', entity_id: String(caseId) })
      .whereIn('action', ['add_contact', 'edit_contact'])
      .select('action', 'before', 'after');
    expect(audits.map((a) => a.action)).to.have.members(['add_contact', 'edit_contact']);
    for (const a of audits)
      expect(`${a.before ?? ''}${a.after}`)
        .to.not.contain('13808510000')
        .and.not.contain('12345678')
        .and.not.contain(WANG_ID);
    // another home's contact pages answer as missing ones
    expect((await panzhou.get(`/staff/cases/${caseId}/contacts/${added.id}/edit`)).status).to.equal(404);
    const foreign = await panzhou.post(
      `/staff/cases/${caseId}/contacts`,
      { name: 'x', phone: '13800000000', relationship: 'x' },
      { from: '/staff' },
    );
    expect(foreign.status).to.equal(404);
    // a contact of one case cannot be edited through another
    const other = await openCase(app, desk, home);
    expect((await desk.get(`/staff/cases/${other}/contacts/${added.id}/edit`)).status).to.equal(404);
  });

  it('keeps one ashes recipient: marking another moves the mark, and many clerks marking at once leave exactly one', async () => {
    const caseId = await openCase(app, desk, home);
    for (let i = 0; i < 5; i += 1)
      await desk.post(
        `/staff/cases/${caseId}/contacts`,
        { name: `亲属${i}`, phone: `1380000000${i}`, relationship: '亲属' },
        { from: `/staff/cases/${caseId}/contacts/new` },
      );
    const ids = (await contactsOf(caseId)).map((k) => k.id as number);
    const mark = await desk.post(
      `/staff/cases/${caseId}/contacts/${ids[1]}/recipient`,
      {},
      { from: `/staff/cases/${caseId}` },
    );
    expect(mark.status).to.equal(302);
    expect((await ashesRecipient(app.db, caseId))?.id).to.equal(ids[1]);
    expect(
      await app
        .db('audit_log')
        .where({ action: 'mark_ashes_recipient', entity_id: String(caseId) })
        .count({ n: '*' }),
    )
      .to.have.nested.property('[0].n')
      .that.satisfies((n: unknown) => Number(n) === 1);

    await desk.get(`/staff/cases/${caseId}`);
    const answers = await Promise.all(
      ids.map((id) => desk.post(`/staff/cases/${caseId}/contacts/${id}/recipient`, {})),
    );
    for (const a of answers) expect(a.status).to.be.oneOf([302, 409]);
    expect(answers.filter((a) => a.status === 302).length).to.be.greaterThan(0);
    const marked = (await contactsOf(caseId)).filter((k) => Boolean(k.is_ashes_recipient));
    expect(marked).to.have.length(1);

    // and the database itself refuses a second one
    const second = await app
      .db('case_contacts')
      .where({ id: ids.find((i) => i !== marked[0].id) })
      .update({ is_ashes_recipient: true })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((second as { code?: string } | null)?.code).to.be.oneOf(['23505', 'SQLITE_CONSTRAINT_UNIQUE']);
  });

  it('logs calls and visits at a time not in the future, newest first on the case page', async () => {
    const caseId = await openCase(app, desk, home);
    const contact = (await contactsOf(caseId))[0];
    const now = DateTime.now();
    const future = await desk.post(
      `/staff/cases/${caseId}/contact-log`,
      { kind: 'call', at: shanghai(now.plus({ hours: 2 })), contact_id: String(contact.id), note: '约定告别时间' },
      { from: `/staff/cases/${caseId}/contact-log/new` },
    );
    expect(future.status).to.equal(400);
    expect(textOf(future.text)).to.contain('联系时间不能晚于现在。');
    const bad = await desk.post(`/staff/cases/${caseId}/contact-log`, {
      kind: 'fax',
      at: 'yesterday',
      contact_id: '999999',
      note: '',
    });
    expect(bad.status).to.equal(400);
    expect(textOf(bad.text)).to.contain('请选择联系方式。').and.contain('请填写有效的日期和时间。');
    const foreignContact = (await contactsOf(await openCase(app, desk, home)))[0];
    const wrongCase = await desk.post(
      `/staff/cases/${caseId}/contact-log`,
      { kind: 'call', at: shanghai(now.minus({ hours: 1 })), contact_id: String(foreignContact.id), note: '错案' },
      { from: `/staff/cases/${caseId}/contact-log/new` },
    );
    expect(wrongCase.status).to.equal(400);
    expect(textOf(wrongCase.text)).to.contain('请选择本案的联系人。');
    expect(await app.db('case_contact_log').where({ case_id: caseId }).count({ n: '*' }))
      .to.have.nested.property('[0].n')
      .that.satisfies((n: unknown) => Number(n) === 0);

    for (const [kind, hours, note] of [
      ['visit', 26, '家属来馆商量告别仪式'],
      ['call', 3, '通知火化时间'],
      ['message', 30, '发送收费明细'],
    ] as const) {
      const ok = await desk.post(
        `/staff/cases/${caseId}/contact-log`,
        { kind, at: shanghai(now.minus({ hours })), contact_id: String(contact.id), note },
        { from: `/staff/cases/${caseId}/contact-log/new` },
      );
      expect(ok.status, note).to.equal(302);
    }
    const page = textOf((await desk.get(`/staff/cases/${caseId}`)).text);
    const order = ['通知火化时间', '家属来馆商量告别仪式', '发送收费明细'].map((n) => page.indexOf(n));
    expect(order.every((i) => i > 0)).to.equal(true);
    expect(order).to.deep.equal([...order].sort((a, b) => a - b));
    expect(page).to.contain('来访').and.contain('殡仪馆前台');
    expect(
      await app
        .db('audit_log')
        .where({ action: 'contact_log', entity_id: String(caseId) })
        .count({ n: '*' }),
    )
      .to.have.nested.property('[0].n')
      .that.satisfies((n: unknown) => Number(n) === 3);
  });

  it('finds cases by a relative’s name, full phone in any form, or its last four digits, with the phone masked', async () => {
    const caseId = await openCase(app, desk, home, {
      deceased_name: '周老先生',
      contact_name: '周慧敏',
      contact_phone: '13985817788',
    });
    await desk.post(
      `/staff/cases/${caseId}/contacts`,
      { name: '吴晓东', phone: '0858-8227799', relationship: '女婿' },
      { from: `/staff/cases/${caseId}/contacts/new` },
    );
    const search = async (q: string, who = desk) =>
      who.post('/staff/cases/search', { q }, { from: '/staff/cases' }).then((r) => ({ ...r, body: textOf(r.text) }));
    for (const q of ['周慧敏', '慧敏', '吴晓东', '13985817788', '+86 139 8581 7788', '7788', '0858 8227799', '7799']) {
      const r = await search(q);
      expect(r.status, q).to.equal(200);
      expect(r.body, q).to.contain('周老先生');
    }
    const r = await search('周慧敏');
    expect(r.body).to.contain('周慧敏 139****7788').and.not.contain('13985817788');
    // the row shows the relative the search found
    const bySon = await search('0858-8227799');
    expect(bySon.body).to.contain('吴晓东 0858****799').and.not.contain('8227799');
    expect((await search('6666')).body).to.not.contain('周老先生');
    // another home's desk does not find it
    expect((await search('周慧敏', panzhou)).body).to.not.contain('周老先生');
  });
});
