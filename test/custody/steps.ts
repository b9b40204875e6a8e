// The custody forms a case passes through (接收遗体, 入柜冷藏, 骨灰领取), posted as a clerk fills them, for tests of
// other domains that need a case received, stored or released: the status form refuses those steps.
import type { Db } from '../../server/db.js';
import { textOf, type Client, type Reply } from '../helpers/client.js';
import { freshTag, localIn, RECIPIENT_ID } from './fixtures.js';

const casePage = (caseId: number) => `/staff/cases/${caseId}`;

/**
 * 接收遗体: received by the signed-in clerk (the form's default) a few minutes ago, unless `over` says otherwise
 * (received_at as a datetime-local field in Shanghai: it must lie after the death).
 */
export async function receiveBody(client: Client, caseId: number, over: Record<string, string> = {}): Promise<Reply> {
  const path = `${casePage(caseId)}/custody/receive`;
  const page = await client.get(path);
  const receiver = /<select id="received_by"[^>]*>[\s\S]*?<option value="(\d+)" selected>/.exec(page.text)?.[1];
  return client.post(path, {
    received_by: receiver ?? '',
    received_at: localIn(-1),
    handed_over_by: '接运司机 李师傅',
    tag_number: freshTag(),
    condition_note: '',
    ...over,
  });
}

/** 入柜冷藏: the first free slot in service that the move form offers (or `place`, as the form sends it). */
export async function storeBody(client: Client, caseId: number, place?: string): Promise<Reply> {
  const path = `${casePage(caseId)}/custody/move`;
  const page = await client.get(path);
  const current = /name="current" value="(\d*)"/.exec(page.text)?.[1] ?? '';
  const slot = place ?? /value="(slot:\d+)"/.exec(page.text)?.[1];
  if (!slot) throw new Error(`no free fridge slot offered for case ${caseId}`);
  return client.post(path, { place: slot, current, note: '' });
}

/** Receives a body and puts it in a fridge slot by the custody forms; the case ends stored. */
export async function receiveAndStore(
  client: Client,
  caseId: number,
  over: Record<string, string> = {},
): Promise<void> {
  for (const step of [() => receiveBody(client, caseId, over), () => storeBody(client, caseId)]) {
    const res = await step();
    if (res.status !== 302)
      throw new Error(`custody step refused (${res.status}) for case ${caseId}: ${textOf(res.text).slice(0, 300)}`);
  }
}

/**
 * 骨灰领取 to the recipient named on the case (or, when none is named, 张小华 with a valid ID number), the original
 * ID checked; `extra` adds fields such as closing reasons (closing_reason_balance_owed …) or overrides.
 */
export async function releaseAshes(
  client: Client,
  db: Db,
  caseId: number,
  extra: Record<string, string> = {},
): Promise<Reply> {
  const named = await db('case_contacts').where({ case_id: caseId, is_ashes_recipient: true }).first();
  const path = `${casePage(caseId)}/custody/release`;
  return client.post(
    path,
    {
      recipient_name: named?.name ?? '张小华',
      recipient_relationship: named?.relationship ?? '女儿',
      recipient_id_number: named?.id_number ?? RECIPIENT_ID,
      original_verified: 'on',
      note: '',
      ...extra,
    },
    { from: path },
  );
}
