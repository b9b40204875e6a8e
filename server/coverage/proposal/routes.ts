// 补缺测算 ("what would it take"): the bureau picks a region, date, indicator and target rate and reads the fewest
// new 全镇统建 / 多村联建 cemeteries that reach it (rules.ts), as a page or a CSV.
import type { Request, Response } from 'express';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { FieldErrors } from '../../http/errors.js';
import { formatRate, formatRatio, percentInput } from '../../http/format.js';
import { todayInShanghai } from '../../time.js';
import type { RouteDef } from '../../http/routes.js';
import { translator } from '../../i18n/index.js';
import { shortName } from '../../regions/levels.js';
import { buildPicker, pickedCode, type Picker } from '../../regions/picker.js';
import type { Indicators } from '../indicators/kinds.js';
import {
  proposalIndicators,
  proposalModes,
  type Proposal,
  type ProposalIndicator,
  type ProposalMode,
} from './rules.js';
import { DEFAULT_MAX_VILLAGES, fieldKeys, modeChoices, ProposalQuery } from './schemas.js';
import { proposalFor, proposalTarget } from './service.js';
import { defaultRegion, resolveRegion } from '../engine/service.js';

const BUREAU = ['admin', 'bureau'] as const;

type Values = { date: string; indicator: string; target: string; modes: string; max_villages: string };

/** covered of total as every page shows a rate (server/http/format.ts), a dash when there is nothing to count. */
const percent = (covered: number, total: number): string => formatRatio(covered, total, '—');

const shownIndicators: ProposalIndicator[] = ['villages', 'central_villages', 'townships', 'counties'];

function rateRows(before: Indicators, after: Indicators) {
  return shownIndicators.map((key) => {
    const b = before[key];
    const a = after[key];
    return {
      key,
      total: b.total,
      before: b.covered,
      after: a.covered,
      added: a.covered - b.covered,
      beforeRate: percent(b.covered, b.total),
      afterRate: percent(a.covered, a.total),
      changed: a.covered !== b.covered,
    };
  });
}

export function proposalRoutes(ctx: AppContext): RouteDef[] {
  const { db } = ctx;

  /** Reads the query, fills defaults (region, today, the target in force) and computes the proposal when the input is valid. */
  async function load(req: Request) {
    const query = req.query as Record<string, unknown>;
    const picked = pickedCode(query, 'region');
    let picker: Picker = await buildPicker(db, 'region', picked || (await defaultRegion(db)), 'county');
    if (!picker.value) picker = await buildPicker(db, 'region', await defaultRegion(db), 'county');
    const region = await resolveRegion(db, picker.value || undefined);

    const raw = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : '');
    // Each field on its own, so that one wrong field keeps the others as typed.
    const errors: FieldErrors = {};
    const field = <K extends keyof typeof ProposalQuery.shape>(
      k: K,
    ): z.infer<(typeof ProposalQuery.shape)[K]> | undefined => {
      const r = ProposalQuery.shape[k].safeParse(raw(k));
      if (r.success) return r.data as z.infer<(typeof ProposalQuery.shape)[K]>;
      errors[k] = { key: fieldKeys[k] };
      return undefined;
    };
    const q = {
      date: field('date'),
      indicator: field('indicator'),
      target: field('target'),
      modes: field('modes'),
      max_villages: field('max_villages'),
    };
    const valid = Object.keys(errors).length === 0;
    const date = q.date ?? (errors.date ? raw('date') : todayInShanghai());
    const indicator: ProposalIndicator = q.indicator ?? 'villages';
    const year = Number(date.slice(0, 4));
    const inForce = Number.isFinite(year) ? await proposalTarget(db, region.code, indicator, year) : undefined;
    const targetRate = q.target !== undefined ? q.target / 100 : (inForce?.rate ?? 1);
    const values: Values = {
      date,
      indicator,
      target: errors.target ? raw('target') : percentInput(targetRate),
      modes: q.modes ?? 'both',
      max_villages: errors.max_villages ? raw('max_villages') : String(q.max_villages ?? DEFAULT_MAX_VILLAGES),
    };
    const targetSource = q.target !== undefined ? 'typed' : inForce ? 'in_force' : 'default';
    const link = new URLSearchParams({
      region: region.code,
      date,
      indicator,
      target: values.target,
      modes: values.modes,
      max_villages: values.max_villages,
    }).toString();

    let proposal: Proposal | undefined;
    if (valid) {
      const modes: ProposalMode[] = values.modes === 'both' ? [...proposalModes] : [values.modes as ProposalMode];
      proposal = await proposalFor(db, region.code, date, {
        indicator,
        target: targetRate,
        modes,
        maxVillages: Number(values.max_villages),
      });
    }
    const inForceView = inForce && { year: inForce.year, regionName: inForce.regionName, source: inForce.source ?? '' };
    return {
      region,
      picker,
      values,
      errors: valid ? undefined : errors,
      proposal,
      inForce: inForceView,
      targetSource,
      link,
      year,
    };
  }

  async function page(req: Request, res: Response) {
    const data = await load(req);
    const { proposal, values } = data;
    const p = proposal && {
      ...proposal,
      beforeRate: percent(proposal.coveredBefore, proposal.total),
      afterRate: percent(proposal.coveredAfter, proposal.total),
      targetRate: formatRate(proposal.target),
      product: (proposal.target * proposal.total).toLocaleString('en', { maximumFractionDigits: 2 }),
      count: proposal.facilities.length,
      hasCentral: proposal.facilities.some((f) => f.villages.some((v) => v.central)),
      rows: proposal.facilities.map((f, i) => ({
        ...f,
        n: i + 1,
        names: f.villages.map((v) => ({ name: shortName(v.name), central: v.central })),
        centralCount: f.villages.filter((v) => v.central).length,
        // A 多村联建 cemetery left with one village to serve is in effect a 单村独建 one.
        singleVillage: f.mode === 'multi_village' && f.villages.length === 1,
        rate: percent(f.coveredAfter, proposal.total),
      })),
      rates: rateRows(proposal.before, proposal.after),
    };
    res.status(data.errors ? 400 : 200).render('coverage/proposal', {
      title: translator(req.lang)('coverage_proposal.title'),
      styles: ['/static/css/proposal.css'],
      ...data,
      p,
      tabsQuery: new URLSearchParams({ region: data.region.code, date: values.date }).toString(),
      indicators: proposalIndicators,
      modeChoices,
      formError: data.errors ? 'invalid_input' : undefined,
      multiAllowed: values.modes !== 'township_wide',
    });
  }

  async function csv(req: Request, res: Response) {
    const data = await load(req);
    const t = translator(req.lang);
    if (data.errors || !data.proposal) {
      res.status(400).type('text/plain; charset=utf-8').send(t('coverage_proposal.csv_invalid'));
      return;
    }
    const p = data.proposal;
    const ind = t(`coverage_proposal.indicator_${p.indicator}`);
    const rows: (string | number)[][] = [
      [
        t('coverage_proposal.col_n'),
        t('coverage_proposal.col_county'),
        t('coverage_proposal.col_township'),
        t('coverage_proposal.col_township_code'),
        t('coverage_proposal.col_mode'),
        t('coverage_proposal.col_villages_count'),
        t('coverage_proposal.col_central_count'),
        t('coverage_proposal.col_villages'),
        t('coverage_proposal.col_gain', { indicator: ind }),
        t('coverage_proposal.col_rate_after', { indicator: ind }),
      ],
    ];
    p.facilities.forEach((f, i) =>
      rows.push([
        i + 1,
        f.county.name,
        f.township.name,
        f.township.code,
        t(`coverage_proposal.mode_${f.mode}`),
        f.villages.length,
        f.villages.filter((v) => v.central).length,
        f.villages.map((v) => shortName(v.name)).join('、'),
        f.gain,
        percent(f.coveredAfter, p.total),
      ]),
    );
    const name = `proposal-${data.region.code}-${p.indicator}-${data.values.target}-${data.values.date}.csv`;
    res.type('text/csv; charset=utf-8').attachment(name);
    // The byte-order mark makes spreadsheet programs read the Chinese as UTF-8.
    res.send(`\uFEFF${stringify(rows, { record_delimiter: '\r\n' })}`);
  }

  return [
    // ## 补缺测算 (bureau)
    { method: 'get', path: '/staff/coverage/proposal', roles: BUREAU, handler: page },
    { method: 'get', path: '/staff/coverage/proposal.csv', roles: BUREAU, handler: csv },
  ];
}
