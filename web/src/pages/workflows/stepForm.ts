// The side panel's own checks (步骤配置), the server's limits from
// workflow/validate*.go, so a mistake shows at its field as it is typed;
// the server checks again on save (and checks the graph, which the panel
// does not).
import type { MessageKey, Params } from '../../i18n/messages';
import { configOf, NO_CONFIG, type Config, type Step } from './model';
import { HOUR, MINUTE, parseDuration, SECOND, WEEK } from './duration';

export interface FormProblem {
  /** The step's field: name, timeout, config.weight, config.thresholds.successRate.min, onFailure.retries… */
  field: string;
  key: MessageKey;
  params?: Params;
}

export const MAX_NAME = 100;
export const MAX_TIMEOUT_MINUTES = 7 * 24 * 60;
const MAX_TEXT = 500;
const MAX_LIST = 20;
const MAX_MEASUREMENTS = 10_000;

/** The metrics a MONITOR may bound, with the sane range of min/max/maxDelta/floor (maxRatio: 0.01–1000). */
export const METRICS = [
  { name: 'successRate', lo: 0, hi: 100 },
  { name: 'avgLatency', lo: 0, hi: 3_600_000 },
  { name: 'p99Latency', lo: 0, hi: 3_600_000 },
  { name: 'errors', lo: 0, hi: 1e9 },
  { name: 'cpu', lo: 0, hi: 100_000 },
  { name: 'memory', lo: 0, hi: 2 ** 30 },
] as const;
export type Metric = (typeof METRICS)[number]['name'];
export const BOUNDS = ['min', 'max', 'maxDelta', 'maxRatio', 'floor'] as const;
export type Bound = (typeof BOUNDS)[number];

/** Every problem of the step the panel can see. */
export function checkStep(step: Step): FormProblem[] {
  const out: FormProblem[] = [];
  const add = (field: string, key: MessageKey, params?: Params) => out.push({ field, key, params });
  if (!step.name.trim()) add('name', 'workflows.check.required');
  else if ([...step.name].length > MAX_NAME) add('name', 'workflows.check.length', { max: MAX_NAME });
  if (!(step.timeout >= 0 && step.timeout <= MAX_TIMEOUT_MINUTES)) add('timeout', 'workflows.check.range', { min: 0, max: MAX_TIMEOUT_MINUTES });
  for (const name of ['onFailure', 'onTimeout'] as const) {
    const p = step[name];
    if (!p) continue;
    if (p.action === 'RETRY') {
      const r = p.retries ?? 0;
      if (!Number.isInteger(r) || r < 0 || r > 10) add(`${name}.retries`, 'workflows.check.range', { min: 0, max: 10 });
      if (p.backoff) durationIn(add, `${name}.backoff`, p.backoff, SECOND, HOUR);
    }
  }
  const c = configOf(step);
  const k = new ConfigChecks(c, add);
  switch (step.type) {
    case 'DEPLOY':
      k.token('version', true);
      k.int('instances', 0, 100);
      k.token('deployer', false);
      k.services('services');
      break;
    case 'HEALTH_CHECK':
      k.token('version', false);
      k.int('instances', 0, 100);
      k.path('path');
      k.duration('interval', SECOND, HOUR);
      k.duration('settle', 0, HOUR);
      k.services('services');
      break;
    case 'TEST':
      k.url('gateway');
      k.path('path');
      k.int('requests', 0, 1000);
      k.duration('commandTimeout', SECOND, HOUR);
      if (c.expect === 'none' && !(Array.isArray(c.command) && c.command.length > 0)) add('config.command', 'workflows.check.test.nothing');
      break;
    case 'TRAFFIC_SHIFT':
      if (c.weight === undefined || c.weight === null) add('config.weight', 'workflows.check.required');
      else k.int('weight', 0, 100);
      if (c.increment !== undefined && c.increment !== 0) k.int('increment', 1, 100);
      k.duration('interval', SECOND, HOUR);
      break;
    case 'MONITOR':
      monitor(step, c, k, add);
      break;
    case 'WAIT': {
      if (!c.duration) add('config.duration', 'workflows.check.required');
      const d = k.duration('duration', SECOND, WEEK);
      if (d !== undefined) timeoutCovers(step, d, add);
      break;
    }
    case 'OFFLINE':
      k.token('version', false);
      k.token('deployer', false);
      k.duration('settle', 0, HOUR);
      k.services('services');
      break;
    case 'APPROVAL':
      k.text('message');
      if (Array.isArray(c.approvers) && c.approvers.length > MAX_LIST) add('config.approvers', 'workflows.check.list', { max: MAX_LIST });
      break;
    case 'NOTIFY':
      k.text('message');
      break;
    default:
      if (NO_CONFIG.has(step.type) && Object.keys(c).length > 0) add('config', 'workflows.check.noConfig');
  }
  return out;
}

function monitor(step: Step, c: Config, k: ConfigChecks, add: (field: string, key: MessageKey, params?: Params) => void) {
  const d = c.duration ? k.duration('duration', SECOND, WEEK) : 5 * MINUTE;
  const iv = k.duration('interval', SECOND, WEEK);
  if (d !== undefined && iv !== undefined && iv > 0) {
    if (iv > d) add('config.interval', 'workflows.check.interval.longer');
    else if (d / iv > MAX_MEASUREMENTS) add('config.interval', 'workflows.check.measurements', { max: MAX_MEASUREMENTS });
  }
  if (d !== undefined) timeoutCovers(step, d, add);
  const th = (typeof c.thresholds === 'object' && c.thresholds !== null ? c.thresholds : {}) as Record<string, Record<string, unknown> | undefined>;
  let some = false;
  for (const m of METRICS) {
    const t = th[m.name];
    if (!t) continue;
    some = true;
    const field = `config.thresholds.${m.name}`;
    const set = BOUNDS.filter((b) => typeof t[b] === 'number');
    if (!set.some((b) => b !== 'floor')) {
      add(field, 'workflows.check.threshold.empty');
      continue;
    }
    for (const b of set) {
      const v = t[b] as number;
      const [lo, hi] = b === 'maxRatio' ? [0.01, 1000] : [m.lo, m.hi];
      if (b === 'maxRatio' && m.name === 'successRate') add(`${field}.${b}`, 'workflows.check.threshold.ratio');
      else if (!(v >= lo && v <= hi)) add(`${field}.${b}`, 'workflows.check.range', { min: lo, max: hi });
    }
    if (typeof t.min === 'number' && typeof t.max === 'number' && t.min > t.max) add(`${field}.max`, 'workflows.check.threshold.order');
  }
  if (!some) add('config.thresholds', 'workflows.check.thresholds.none');
  k.int('minRequests', 0, 1_000_000);
  k.int('failureLimit', -1, MAX_MEASUREMENTS);
  k.int('inconclusiveLimit', -1, MAX_MEASUREMENTS);
  k.int('consecutiveErrorLimit', -1, MAX_MEASUREMENTS);
}

/** A MONITOR's or WAIT's timeout, when set, must be longer than what the step takes. */
function timeoutCovers(step: Step, ms: number, add: (field: string, key: MessageKey, params?: Params) => void) {
  if (step.timeout > 0 && step.timeout <= MAX_TIMEOUT_MINUTES && step.timeout * MINUTE <= ms) {
    add('timeout', 'workflows.check.timeout.short', { minutes: Math.ceil((ms / MINUTE) * 10) / 10 });
  }
}

function durationIn(add: (field: string, key: MessageKey, params?: Params) => void, field: string, v: unknown, lo: number, hi: number): number | undefined {
  if (v === undefined || v === '') return undefined;
  const ms = typeof v === 'string' ? parseDuration(v) : undefined;
  if (ms === undefined) {
    add(field, 'workflows.check.duration');
    return undefined;
  }
  if (ms < lo || ms > hi) {
    add(field, 'workflows.check.duration.range', { min: words(lo), max: words(hi) });
    return undefined;
  }
  return ms;
}

function words(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % HOUR === 0) return `${ms / HOUR}h`;
  if (ms % MINUTE === 0) return `${ms / MINUTE}m`;
  return `${ms / SECOND}s`;
}

class ConfigChecks {
  constructor(
    private readonly c: Config,
    private readonly add: (field: string, key: MessageKey, params?: Params) => void,
  ) {}

  int(name: string, min: number, max: number) {
    const v = this.c[name];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.add(`config.${name}`, 'workflows.check.int', { min, max });
  }

  duration(name: string, lo: number, hi: number): number | undefined {
    return durationIn(this.add, `config.${name}`, this.c[name], lo, hi);
  }

  token(name: string, required: boolean) {
    const v = this.c[name];
    if (v === undefined || v === '') {
      if (required) this.add(`config.${name}`, 'workflows.check.required');
      return;
    }
    if (typeof v !== 'string' || v.length > 64 || /[\s\p{Cc}]/u.test(v)) this.add(`config.${name}`, 'workflows.check.token', { max: 64 });
  }

  services(name: string) {
    const v = this.c[name];
    if (Array.isArray(v) && v.length > MAX_LIST) this.add(`config.${name}`, 'workflows.check.list', { max: MAX_LIST });
  }

  path(name: string) {
    const v = this.c[name];
    if (v === undefined || v === '') return;
    if (typeof v !== 'string' || !v.startsWith('/') || v.length > MAX_TEXT || /[\s\p{Cc}]/u.test(v)) this.add(`config.${name}`, 'workflows.check.path');
  }

  url(name: string) {
    const v = this.c[name];
    if (v === undefined || v === '') return;
    let ok = false;
    try {
      const u = new URL(String(v));
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.host !== '' && String(v).length <= MAX_TEXT;
    } catch {
      ok = false;
    }
    if (!ok) this.add(`config.${name}`, 'workflows.check.url');
  }

  text(name: string) {
    const v = this.c[name];
    if (v === undefined || v === '') return;
    if (typeof v !== 'string' || [...v].length > MAX_TEXT || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(v)) this.add(`config.${name}`, 'workflows.check.length', { max: MAX_TEXT });
  }
}

/** The problems of one field (for the form item showing it). */
export function problemsAt(problems: readonly FormProblem[], field: string): FormProblem[] {
  return problems.filter((p) => p.field === field);
}
