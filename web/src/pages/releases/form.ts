// The release page's form: its values, the spec the API takes, the checks
// run before an operation (seed 003, 蓝绿灰度发布条件), and where an error
// naming a spec field (client or server) is shown. Pure: no React, no antd.
import { ApiError } from '../../api/error';
import type { Operation, Release, ReleaseSpec, Subscription } from '../../api/types';
import type { MessageKey, Translate } from '../../i18n/messages';

export interface GrayRow {
  expression: string;
  /**
   * The new chain's share in percent, as typed: the seed allows only an
   * integer 0..100 ("只允许输入0<=灰度权重<=100的整数值"), so the text is kept
   * and refused when it is not one — never clamped or rounded.
   */
  weight: string;
}

export interface HeaderRow {
  key: string;
  value: string;
}

/** What the release page edits. The spec fields keep the API's names. */
export interface ReleaseFormValues {
  name: string;
  description: string;
  subscription: Subscription;
  group?: string;
  app?: string;
  gatewayOnly: boolean;
  domainGateway: boolean;
  services: string[];
  sort: 'version' | 'time';
  blueGreenEnabled: boolean;
  greenExpression: string;
  blueExpression: string;
  grayEnabled: boolean;
  grayConditions: GrayRow[];
  headerEnabled: boolean;
  headerRows: HeaderRow[];
}

/** A new release: 局部订阅, 域网关模式, 根据版本排序, one empty gray row ready to fill. */
export function emptyForm(): ReleaseFormValues {
  return {
    name: '',
    description: '',
    subscription: 'PARTIAL',
    group: undefined,
    app: undefined,
    gatewayOnly: false,
    domainGateway: true,
    services: [],
    sort: 'version',
    blueGreenEnabled: false,
    greenExpression: '',
    blueExpression: '',
    grayEnabled: false,
    grayConditions: [{ expression: '', weight: '' }],
    headerEnabled: false,
    headerRows: [{ key: '', value: '' }],
  };
}

/** The form of a stored release. */
export function formOf(r: Pick<Release, 'name' | 'description' | 'subscription' | 'group' | 'app' | 'spec'>): ReleaseFormValues {
  const s = r.spec;
  const header = Object.entries(s.header ?? {}).map(([key, value]) => ({ key, value }));
  return {
    name: r.name,
    description: r.description,
    subscription: r.subscription,
    group: r.group || undefined,
    app: r.app || undefined,
    gatewayOnly: s.gatewayOnly,
    domainGateway: s.domainGateway,
    services: [...s.services],
    sort: s.sort,
    blueGreenEnabled: s.blueGreenEnabled,
    greenExpression: s.greenExpression,
    blueExpression: s.blueExpression,
    grayEnabled: s.grayEnabled,
    grayConditions: s.grayConditions.length ? s.grayConditions.map((g) => ({ expression: g.expression, weight: String(g.weight) })) : [{ expression: '', weight: '' }],
    headerEnabled: s.headerEnabled,
    headerRows: header.length ? header : [{ key: '', value: '' }],
  };
}

/**
 * The weight typed, when it is what the seed allows: an integer from 0 to
 * 100, digits only ("10.5", "-5", "101", "abc", " 10" are not).
 */
export function parseWeight(text: string): number | undefined {
  if (!/^\d{1,3}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 100 ? n : undefined;
}

/**
 * The spec sent with every save and operation: the form exactly as typed —
 * nothing is trimmed (the inner header "需要首尾判断是否有空格": spaces are
 * refused by checkForm, and by the server). Rows left completely empty are
 * dropped, so an untouched extra row is not an error. checkForm refuses a
 * weight that is not an integer 0..100 before anything is sent; should one
 * get here it is sent as -1, which the server refuses too (a JSON null
 * is refused as well).
 */
export function specOf(v: ReleaseFormValues): ReleaseSpec {
  const header: Record<string, string> = {};
  for (const row of headerRowsOf(v)) {
    header[row.key] = row.value;
  }
  return {
    services: [...v.services],
    gatewayOnly: v.gatewayOnly,
    domainGateway: v.domainGateway,
    sort: v.sort,
    blueGreenEnabled: v.blueGreenEnabled,
    greenExpression: v.greenExpression,
    blueExpression: v.blueExpression,
    grayEnabled: v.grayEnabled,
    grayConditions: grayRowsOf(v).map((g) => ({ expression: g.expression, weight: parseWeight(g.weight) ?? -1 })),
    headerEnabled: v.headerEnabled,
    header,
  };
}

/**
 * The gray rows sent: all of them (so indices match the server's field
 * names), or none when gray is off and no row was ever filled.
 */
function grayRowsOf(v: ReleaseFormValues): GrayRow[] {
  const rows = v.grayConditions ?? [];
  const untouched = rows.every((g) => g.expression === '' && (g.weight ?? '') === '');
  return !v.grayEnabled && untouched ? [] : rows;
}

function headerRowsOf(v: ReleaseFormValues): HeaderRow[] {
  return (v.headerRows ?? []).filter((h) => h.key !== '' || h.value !== '');
}

/** A mistake in the form, named like the server names it (reason keys translate as error.<reason>). */
export interface Issue {
  /** The spec field as the server names it, e.g. spec.grayConditions[1].expression; spec.header[i].key for header rows. */
  field: string;
  reason: string;
  params?: Record<string, string>;
}

/** What an action checks: an operation, or a save (新建发布 / 保存) that only checks what is wrong whatever is enabled. */
export type Check = Operation | 'save';

/**
 * The checks the seed asks for before an operation: services chosen, not the
 * app, no duplicates; every gray row sent with its weight, an integer from 0
 * to 100; no text with leading or trailing spaces (the inner header
 * "需要首尾判断是否有空格", conditions, services) — these whatever is enabled,
 * as the server checks them; and, before 执行兜底 and 执行发布, every enabled
 * section right — green and blue both filled and different; gray conditions
 * unique with at most one empty; inner header names and values filled.
 * 执行发布 needs blue-green or gray enabled. Rollback and end check only
 * what the server refuses whatever the operation, so a condition being
 * edited never blocks them.
 */
export function checkForm(v: ReleaseFormValues, check: Check): Issue[] {
  const issues: Issue[] = [];
  checkServices(issues, v, check !== 'save');
  const conditionsChecked = check === 'fallback' || check === 'release';
  for (const [i, g] of grayRowsOf(v).entries()) {
    if (parseWeight(g.weight ?? '') === undefined) {
      issues.push({ field: `spec.grayConditions[${i}].weight`, reason: 'gray.weight.range', params: { value: g.weight ?? '' } });
    }
  }
  checkSpaces(issues, v);
  if (conditionsChecked) {
    if (check === 'release' && !v.blueGreenEnabled && !v.grayEnabled) {
      issues.push({ field: 'spec.blueGreenEnabled', reason: 'release.conditions.none' });
    }
    if (v.blueGreenEnabled) {
      checkBlueGreen(issues, v);
    }
    if (v.grayEnabled) {
      checkGray(issues, v);
    }
    if (v.headerEnabled) {
      checkHeader(issues, v);
    }
  }
  return issues.sort((a, b) => fieldOrder(a.field) - fieldOrder(b.field));
}

/** The form's order of the fields, for listing the problems as the page shows them. */
const ORDER = ['spec.services', 'spec.sort', 'spec.blueGreenEnabled', 'spec.greenExpression', 'spec.blueExpression', 'spec.grayConditions', 'spec.header'];

function fieldOrder(field: string): number {
  const i = ORDER.findIndex((prefix) => field.startsWith(prefix));
  return i < 0 ? ORDER.length : i;
}

/** Text typed with spaces around it: refused, with the text as it would be without them. */
export function spacesIssue(field: string, reason: string, value: string): Issue | undefined {
  const trimmed = value.trim();
  return value !== trimmed ? { field, reason, params: { value, trimmed } } : undefined;
}

function checkSpaces(issues: Issue[], v: ReleaseFormValues) {
  const add = (issue?: Issue) => issue && issues.push(issue);
  v.services.forEach((s, i) => s.trim() !== '' && add(spacesIssue(`spec.services[${i}]`, 'service.space', s)));
  for (const [field, value] of [
    ['spec.greenExpression', v.greenExpression],
    ['spec.blueExpression', v.blueExpression],
  ] as const) {
    if (value.trim() !== '') add(spacesIssue(field, 'expression.space', value));
  }
  grayRowsOf(v).forEach((g, i) => add(spacesIssue(`spec.grayConditions[${i}].expression`, 'expression.space', g.expression)));
  (v.headerRows ?? []).forEach((h, i) => {
    if (h.key.trim() !== '') add(spacesIssue(`spec.header[${i}].key`, 'header.name.space', h.key));
    if (h.value.trim() !== '') add(spacesIssue(`spec.header[${i}].value`, 'header.value.space', h.value));
  });
}

function checkServices(issues: Issue[], v: ReleaseFormValues, required: boolean) {
  if (v.services.length === 0) {
    if (required) issues.push({ field: 'spec.services', reason: 'service.empty' });
    return;
  }
  const app = v.subscription === 'PARTIAL' ? (v.app ?? '').trim().toLowerCase() : '';
  const seen = new Set<string>();
  v.services.forEach((raw, i) => {
    const s = raw.trim();
    const field = `spec.services[${i}]`;
    if (s === '') {
      issues.push({ field, reason: 'service.blank' });
    } else if (app !== '' && s.toLowerCase() === app) {
      issues.push({ field, reason: 'service.app' });
    } else if (seen.has(s)) {
      issues.push({ field, reason: 'service.duplicate' });
    }
    seen.add(s);
  });
}

function checkBlueGreen(issues: Issue[], v: ReleaseFormValues) {
  const green = v.greenExpression.trim();
  const blue = v.blueExpression.trim();
  if (green === '') issues.push({ field: 'spec.greenExpression', reason: 'bluegreen.expression.empty' });
  if (blue === '') issues.push({ field: 'spec.blueExpression', reason: 'bluegreen.expression.empty' });
  if (green !== '' && green === blue) issues.push({ field: 'spec.blueExpression', reason: 'bluegreen.same' });
}

function checkGray(issues: Issue[], v: ReleaseFormValues) {
  const rows = v.grayConditions ?? [];
  if (rows.length === 0) {
    issues.push({ field: 'spec.grayConditions', reason: 'gray.none' });
    return;
  }
  let empty = false;
  const seen = new Set<string>();
  rows.forEach((g, i) => {
    const e = g.expression.trim();
    const field = `spec.grayConditions[${i}].expression`;
    if (e === '') {
      if (empty) issues.push({ field, reason: 'gray.basic.multiple' });
      empty = true;
    } else if (seen.has(e)) {
      issues.push({ field, reason: 'gray.same' });
    }
    seen.add(e);
  });
}

function checkHeader(issues: Issue[], v: ReleaseFormValues) {
  const rows = v.headerRows ?? [];
  const seen = new Set<string>();
  rows.forEach((h, i) => {
    const k = h.key.trim();
    if (k === '' && h.value.trim() === '' && rows.length > 1) return; // an untouched spare row
    if (k === '') {
      issues.push({ field: `spec.header[${i}].key`, reason: 'header.name.empty' });
    } else if (seen.has(k)) {
      issues.push({ field: `spec.header[${i}].key`, reason: 'header.name.duplicate' });
    }
    seen.add(k);
    if (h.value.trim() === '') {
      issues.push({ field: `spec.header[${i}].value`, reason: 'header.value.empty' });
    }
  });
}

/** A client issue as an error like the server's, to be translated and placed the same way. */
export function issueError(issue: Issue): ApiError {
  return new ApiError(0, { code: 'invalid', message: issue.reason, reason: issue.reason, field: issue.field, params: issue.params ?? {} });
}

export type FormName = (string | number)[];

/** Where a field error goes: the form item, and a text to put before the message (the service it is about). */
export interface Placement {
  name: FormName;
  prefix?: string;
}

/** Top-level API fields and the spec fields that are one form item each. */
const DIRECT: Record<string, FormName> = {
  name: ['name'],
  description: ['description'],
  subscription: ['subscription'],
  group: ['group'],
  app: ['app'],
  'spec.services': ['services'],
  'spec.sort': ['sort'],
  'spec.gatewayOnly': ['gatewayOnly'],
  'spec.domainGateway': ['domainGateway'],
  'spec.blueGreenEnabled': ['blueGreenEnabled'],
  'spec.greenExpression': ['greenExpression'],
  'spec.blueExpression': ['blueExpression'],
  'spec.grayEnabled': ['grayEnabled'],
  'spec.grayConditions': ['grayEnabled'],
  'spec.headerEnabled': ['headerEnabled'],
};

/**
 * The form item an error's field refers to, given the values the request was
 * made from: spec.services[2] is the services select (the message names the
 * service), spec.header.user the value of the row whose name is "user".
 */
export function placementOf(field: string | undefined, v: ReleaseFormValues, reason?: string): Placement | undefined {
  if (!field) return undefined;
  if (DIRECT[field]) return { name: DIRECT[field] };
  let m = /^spec\.services\[(\d+)\]$/.exec(field);
  if (m) return { name: ['services'], prefix: v.services[Number(m[1])] };
  m = /^spec\.grayConditions\[(\d+)\]\.(expression|weight)$/.exec(field);
  if (m) return { name: ['grayConditions', Number(m[1]), m[2]] };
  m = /^spec\.header\[(\d+)\]\.(key|value)$/.exec(field);
  if (m) return { name: ['headerRows', Number(m[1]), m[2]] };
  m = /^spec\.header\.(.*)$/.exec(field);
  if (m) {
    // The server names a header by its name as sent (spaces and all); a
    // mistake in the name goes on the name, the rest on the value.
    const rows = v.headerRows ?? [];
    let i = rows.findIndex((h) => h.key === m![1]);
    if (i < 0) i = rows.findIndex((h) => h.key.trim() === m![1].trim());
    const part = reason?.startsWith('header.name.') ? 'key' : 'value';
    return i >= 0 ? { name: ['headerRows', i, part] } : { name: ['headerEnabled'] };
  }
  return undefined;
}

export interface FieldMessages {
  name: FormName;
  errors: string[];
}

/**
 * Sorts errors into those shown on a form item (each item gets all of its
 * messages, without repeats) and those the page shows above the form.
 */
export function fieldMessages(errors: ApiError[], v: ReleaseFormValues, text: (e: ApiError) => string): { placed: FieldMessages[]; unplaced: ApiError[] } {
  const byName = new Map<string, FieldMessages>();
  const unplaced: ApiError[] = [];
  for (const err of errors) {
    const at = placementOf(err.field, v, err.reason);
    if (!at) {
      unplaced.push(err);
      continue;
    }
    const key = JSON.stringify(at.name);
    const entry = byName.get(key) ?? { name: at.name, errors: [] };
    const msg = withPrefix(at.prefix, text(err));
    if (!entry.errors.includes(msg)) entry.errors.push(msg);
    byName.set(key, entry);
  }
  return { placed: [...byName.values()], unplaced };
}

/** An API error with its field errors spread out (the error itself is the first of its details). */
export function errorsOf(err: ApiError): ApiError[] {
  return err.details.length ? err.details : [err];
}

/** "service: message", unless the message names the service already (service.offline does). */
function withPrefix(prefix: string | undefined, msg: string): string {
  return prefix && !msg.includes(prefix) ? `${prefix}: ${msg}` : msg;
}

/** One problem of the form, as the dialog before an operation lists it. */
export interface Problem {
  /** The field in the user's language (灰度条件 2 · 灰度权重), or '' when the problem is the form's. */
  label: string;
  message: string;
}

/**
 * Every problem of a refused form, for the dialog before an operation
 * (seed 003: "如果不正确，弹出对话框提示"): each with the field it is on, in
 * the form's order, without repeats.
 */
export function problemsOf(errors: ApiError[], v: ReleaseFormValues, text: (e: ApiError) => string, t: Translate): Problem[] {
  const out: Problem[] = [];
  for (const err of errors) {
    const p = { label: fieldLabel(err.field, t), message: withPrefix(prefixOf(err.field, v), text(err)) };
    if (!out.some((o) => o.label === p.label && o.message === p.message)) out.push(p);
  }
  return out;
}

function prefixOf(field: string | undefined, v: ReleaseFormValues): string | undefined {
  const m = /^spec\.services\[(\d+)\]$/.exec(field ?? '');
  return m ? v.services[Number(m[1])] : undefined;
}

const LABELS: Record<string, MessageKey> = {
  name: 'release.name',
  description: 'release.description',
  subscription: 'release.subscription',
  group: 'release.group',
  app: 'release.app',
  'spec.services': 'release.services.title',
  'spec.sort': 'release.sort',
  'spec.blueGreenEnabled': 'release.blueGreen',
  'spec.greenExpression': 'release.green',
  'spec.blueExpression': 'release.blue',
  'spec.grayEnabled': 'release.gray',
  'spec.grayConditions': 'release.gray',
  'spec.headerEnabled': 'release.header',
};

/** The field an error names, as the page labels it; '' for an error of the whole form. */
export function fieldLabel(field: string | undefined, t: Translate): string {
  if (!field) return '';
  if (LABELS[field]) return t(LABELS[field]);
  if (/^spec\.services\[\d+\]$/.test(field)) return t('release.services.title');
  let m = /^spec\.grayConditions\[(\d+)\]\.(expression|weight)$/.exec(field);
  if (m) return t(m[2] === 'weight' ? 'problem.grayWeight' : 'problem.grayExpression', { row: Number(m[1]) + 1 });
  m = /^spec\.header\[(\d+)\]\.(key|value)$/.exec(field);
  if (m) return t(m[2] === 'key' ? 'problem.headerName' : 'problem.headerValue', { row: Number(m[1]) + 1 });
  m = /^spec\.header\.(.*)$/.exec(field);
  if (m) return t('problem.headerNamed', { name: m[1] });
  return '';
}

/** A form item's name path. */
export type NamePath = (string | number)[];

/**
 * The name paths of the fields a change of antd's onValuesChange touched:
 * the leaves of the changed values (a list row's field, not its row or the
 * list), the list itself when the list's rows were added or removed.
 */
export function changedPaths(changed: unknown, prefix: NamePath = []): NamePath[] {
  if (Array.isArray(changed)) {
    const out: NamePath[] = [];
    changed.forEach((v, i) => {
      if (v !== undefined) out.push(...changedPaths(v, [...prefix, i]));
    });
    return out.length > 0 || prefix.length === 0 ? out : [prefix];
  }
  if (changed !== null && typeof changed === 'object') {
    const out = Object.entries(changed).flatMap(([k, v]) => changedPaths(v, [...prefix, k]));
    return out.length > 0 || prefix.length === 0 ? out : [prefix];
  }
  return prefix.length > 0 ? [prefix] : [];
}

/**
 * Whether a change of the fields at paths makes the error of the form item
 * name stale: the item is one of them, holds one (a row's error when its
 * field changed) or lies inside one (a list replaced). A sibling's error
 * stays: typing a header's value does not clear its name's.
 */
export function touches(name: NamePath, paths: NamePath[]): boolean {
  const prefix = (a: NamePath, b: NamePath) => a.length <= b.length && a.every((x, i) => String(x) === String(b[i]));
  return paths.some((p) => prefix(name, p) || prefix(p, name));
}
