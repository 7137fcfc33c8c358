// The release page's form: its values, the spec the API takes, the checks
// run before an operation (seed 003, 蓝绿灰度发布条件), and where an error
// naming a spec field (client or server) is shown. Pure: no React, no antd.
import { ApiError } from '../../api/error';
import type { Operation, Release, ReleaseSpec, ReleaseState, Subscription } from '../../api/types';

export interface GrayRow {
  expression: string;
  /** The new chain's share in percent; null while the field is empty. */
  weight: number | null;
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
    grayConditions: [{ expression: '', weight: null }],
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
    grayConditions: s.grayConditions.length ? s.grayConditions.map((g) => ({ ...g })) : [{ expression: '', weight: null }],
    headerEnabled: s.headerEnabled,
    headerRows: header.length ? header : [{ key: '', value: '' }],
  };
}

/**
 * The spec sent with every save and operation. Text is trimmed as the server
 * does (the inner header "需要首尾判断是否有空格"); rows left completely empty
 * are dropped, so an untouched extra row is not an error.
 */
export function specOf(v: ReleaseFormValues): ReleaseSpec {
  const header: Record<string, string> = {};
  for (const row of headerRowsOf(v)) {
    header[row.key.trim()] = row.value.trim();
  }
  return {
    services: v.services.map((s) => s.trim()),
    gatewayOnly: v.gatewayOnly,
    domainGateway: v.domainGateway,
    sort: v.sort,
    blueGreenEnabled: v.blueGreenEnabled,
    greenExpression: v.greenExpression.trim(),
    blueExpression: v.blueExpression.trim(),
    grayEnabled: v.grayEnabled,
    grayConditions: grayRowsOf(v).map((g) => ({ expression: g.expression.trim(), weight: g.weight ?? 0 })),
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
  const untouched = rows.every((g) => g.expression.trim() === '' && g.weight === null);
  return !v.grayEnabled && untouched ? [] : rows;
}

function headerRowsOf(v: ReleaseFormValues): HeaderRow[] {
  return (v.headerRows ?? []).filter((h) => h.key.trim() !== '' || h.value.trim() !== '');
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
 * app, no duplicates; and, before 执行兜底 and 执行发布, every enabled section
 * right — green and blue both filled and different; gray conditions unique
 * with at most one empty, weights integers from 0 to 100; inner header names
 * and values filled. 执行发布 needs blue-green or gray enabled. Rollback and
 * end only need the services, so a condition being edited never blocks them.
 */
export function checkForm(v: ReleaseFormValues, check: Check): Issue[] {
  const issues: Issue[] = [];
  checkServices(issues, v, check !== 'save');
  const conditionsChecked = check === 'fallback' || check === 'release';
  for (const [i, g] of grayRowsOf(v).entries()) {
    // An empty weight is 0 when gray is off; a wrong number is wrong whatever is enabled.
    const missing = g.weight === null && v.grayEnabled && conditionsChecked;
    if (missing || (g.weight !== null && !validWeight(g.weight))) {
      issues.push({ field: `spec.grayConditions[${i}].weight`, reason: 'gray.weight.range' });
    }
  }
  if (!conditionsChecked) {
    return issues;
  }
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
  return issues;
}

function validWeight(w: number | null): boolean {
  return typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 100;
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
export function placementOf(field: string | undefined, v: ReleaseFormValues): Placement | undefined {
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
    const i = (v.headerRows ?? []).findIndex((h) => h.key.trim() === m![1]);
    return i >= 0 ? { name: ['headerRows', i, 'value'] } : { name: ['headerEnabled'] };
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
    const at = placementOf(err.field, v);
    if (!at) {
      unplaced.push(err);
      continue;
    }
    const key = JSON.stringify(at.name);
    const entry = byName.get(key) ?? { name: at.name, errors: [] };
    const msg = at.prefix ? `${at.prefix}: ${text(err)}` : text(err);
    if (!entry.errors.includes(msg)) entry.errors.push(msg);
    byName.set(key, entry);
  }
  return { placed: [...byName.values()], unplaced };
}

/** An API error with its field errors spread out (the error itself is the first of its details). */
export function errorsOf(err: ApiError): ApiError[] {
  return err.details.length ? err.details : [err];
}

/** What each state allows (seed 003; 回滚 only after 发布; nothing after 结束). */
export const OPERATIONS_BY_STATE: Record<ReleaseState, Operation[]> = {
  '': ['fallback', 'release'],
  FALLBACK: ['fallback', 'release', 'end'],
  RELEASED: ['fallback', 'release', 'rollback', 'end'],
  ROLLED_BACK: ['fallback', 'release', 'end'],
  ENDED: [],
};

/** Deleting is refused by the server unless the release ended or never ran. */
export function deletable(state: ReleaseState): boolean {
  return state === 'ENDED' || state === '';
}
