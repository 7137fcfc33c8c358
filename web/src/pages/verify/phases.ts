// A simulation's seven phases as the page shows them: the plan before a run
// (reset → basic → release-1 → reset → recreate basic → recreate release-2
// → reset), the tally, each batch's title and each assertion's expected and
// actual counts in the user's language. Pure.
import { isMessageKey, type Translate } from '../../i18n/messages';
import type { Assertion, PhaseStatus, VerifyBatch, VerifyPhase } from './model';

/** DiscoveryTool's phases (SimulatorTestRunner), by index 1..7. */
export const PLAN: { name: VerifyPhase['name']; action: string; second: boolean }[] = [
  { name: 'reset', action: 'strategy/reset-release', second: false },
  { name: 'basic', action: 'strategy/create-version-release-yaml', second: false },
  { name: 'release1', action: 'strategy/create-version-release-yaml', second: false },
  { name: 'reset', action: 'strategy/reset-release', second: false },
  { name: 'recreate-basic', action: 'strategy/recreate-version-release-yaml', second: true },
  { name: 'recreate-release2', action: 'strategy/recreate-version-release-yaml', second: true },
  { name: 'reset', action: 'strategy/reset-release', second: true },
];

/** The phases of a run, or the plan (pending; phases 5–7 skipped without the second release) before one. */
export function phasesOf(phases: VerifyPhase[] | undefined, secondRelease = true): VerifyPhase[] {
  if (phases && phases.length > 0) return phases;
  return PLAN.map((p, i) => ({ index: i + 1, name: p.name, action: p.action, status: p.second && !secondRelease ? 'SKIPPED' : 'PENDING', batches: [] }));
}

export type Tally = Record<PhaseStatus, number> & { total: number };

export function tally(phases: VerifyPhase[]): Tally {
  const t: Tally = { PENDING: 0, RUNNING: 0, PASSED: 0, FAILED: 0, SKIPPED: 0, total: phases.length };
  for (const p of phases) t[p.status]++;
  return t;
}

/** The phase running now, else the first failed one, else undefined. */
export function currentPhase(phases: VerifyPhase[]): VerifyPhase | undefined {
  return phases.find((p) => p.status === 'RUNNING') ?? phases.find((p) => p.status === 'FAILED');
}

/** How many assertions a phase passed and failed. */
export function assertionTally(p: VerifyPhase): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  for (const b of p.batches) for (const a of b.assertions) a.passed ? passed++ : failed++;
  return { passed, failed };
}

/** A key of the bundle, or the fallback when the bundle has none. */
function tr(t: Translate, key: string, fallback: string, params?: Record<string, string | number>): string {
  return isMessageKey(key) ? t(key, params) : fallback;
}

export const phaseName = (t: Translate, name: string) => tr(t, `verify.phase.${name}`, name);

/** A batch's title: its kind and the header sent ("blue-green · xyz=1"), the loop when there are several. */
export function batchTitle(t: Translate, b: VerifyBatch, loops = 1): string {
  const header = Object.entries(b.header ?? {}).map(([k, v]) => `${k}=${v}`);
  const parts = [tr(t, `verify.batch.${b.kind}`, b.kind), header.length ? header.join(', ') : t('verify.batch.noHeader')];
  if (loops > 1) parts.push(t('verify.batch.loop', { loop: b.loop }));
  return parts.join(' · ');
}

export interface AssertionView {
  name: string;
  /** What the assertion is about (a service@@version, a service), if anything. */
  subject: string;
  expected: string;
  actual: string;
  passed: boolean;
}

const sideLabel = (t: Translate, side: string | undefined) => (side === 'new' ? t('verify.side.new') : t('verify.side.old'));

/** An assertion with expected and actual counts in the user's language (the server's text when its params are missing). */
export function assertionView(t: Translate, a: Assertion, b: VerifyBatch): AssertionView {
  const p = a.message?.params ?? {};
  const name = tr(t, `verify.assert.${a.name}`, a.name);
  const base = { name, subject: p.key ?? p.service ?? '', expected: a.expected, actual: a.actual, passed: a.passed };
  const hits = (n: string | undefined) => (n === undefined ? a.actual : t('verify.hits', { count: n }));
  switch (a.name) {
    case 'normal.hit':
      return { ...base, expected: t('verify.expect.atLeastOne'), actual: hits(p.count) };
    case 'basic.side':
    case 'bluegreen.side': {
      if (!p.key || !p.side) return base;
      const own = b.counts.find((c) => c.key === p.key)?.side || undefined;
      const expected = own === p.side || !own ? t('verify.expect.hit', { side: sideLabel(t, p.side) }) : t('verify.expect.none', { side: sideLabel(t, own) });
      return { ...base, expected, actual: hits(p.count) };
    }
    case 'isolation':
      if (p.crossed === undefined || p.samples === undefined) return base;
      return {
        ...base,
        subject: '',
        expected: t('verify.expect.isolation'),
        actual: t('verify.actual.crossed', { crossed: p.crossed, samples: p.samples }) + (p.example ? ` · ${p.example}` : ''),
      };
    case 'gray.equal.old':
    case 'gray.equal.new':
      if (p.want === undefined || p.previous === undefined) return base;
      return { ...base, expected: t('verify.expect.equal', { count: p.want, service: p.previous }), actual: hits(p.count) };
    case 'gray.weight.old':
    case 'gray.weight.new':
      if (p.weight === undefined || p.offset === undefined || p.share === undefined) return base;
      return {
        ...base,
        subject: sideLabel(t, p.side),
        expected: t('verify.expect.weight', { weight: p.weight, offset: p.offset }),
        actual: `${Number(p.share).toFixed(Number(p.share) % 1 === 0 ? 0 : 2)}%`,
      };
  }
  return base;
}

/** The gray weights of a batch, expected and seen ("old 90% / new 10% · seen 89.7% / 10.3%"). */
export function weightsOf(b: VerifyBatch): { expected: number[]; actual: number[] } | undefined {
  if (!b.expectedWeight?.length) return undefined;
  return { expected: b.expectedWeight, actual: b.actualWeight ?? [] };
}
