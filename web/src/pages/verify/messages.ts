// What the server says in a run (a phase's error, an assertion, the reason
// a run ended, the restore) and the errors of the verification API, in the
// user's language. A run message is translated by its key as
// "msg.<key>" (else "error.<key>"), its params filling the placeholders and
// its nested messages translated first; the server's English text when the
// bundle has no such key or lacks a param.
import { ApiError } from '../../api/error';
import { translateError } from '../../i18n/errors';
import { bundles, format, formatDateTime, isMessageKey, placeholders, type Lang, type Params } from '../../i18n/messages';
import type { Message } from './model';
import { KEYS } from './properties';

export function messageText(lang: Lang, m: Message | undefined | null): string {
  if (!m) return '';
  const messages = bundles[lang];
  const candidates = [`msg.${m.key}`, `error.${m.key}`];
  const key = candidates.find(isMessageKey);
  if (!key || !isMessageKey(key)) return m.text;
  const params: Params = { ...(m.params ?? {}) };
  for (const [name, nested] of Object.entries(m.nested ?? {})) params[name] = messageText(lang, nested);
  if (typeof params.since === 'string') params.since = formatDateTime(lang, params.since);
  if (typeof params.side === 'string') params.side = messages[params.side === 'new' ? 'verify.side.new' : 'verify.side.old'];
  const template = messages[key];
  if (placeholders(template).some((p) => !(p in params))) return m.text;
  return format(template, params);
}

/** A conditions field as errors name it: conditions.sampleCount → testcase.sample.count, conditionsText.x → x. */
export function shownField(field: string): string {
  if (field.startsWith('conditionsText.')) return field.slice('conditionsText.'.length);
  if (field.startsWith('conditions.')) {
    const json = field.slice('conditions.'.length);
    const key = (KEYS as Record<string, string>)[json === 'resultFilter' ? 'resultFilter' : json];
    return key ?? field;
  }
  return field;
}

/** An error of the verification API in the user's language, its field named as the user knows it. */
export function verifyErrorText(lang: Lang, err: unknown): string {
  if (!(err instanceof ApiError) || !err.params.field) return translateError(lang, err);
  const shown = new ApiError(err.status, {
    code: err.code,
    message: err.message,
    reason: err.reason,
    field: err.field,
    requestId: err.requestId,
    params: { ...err.params, field: shownField(err.params.field) },
  });
  return translateError(lang, shown);
}

/** Where a field error of a save or start goes on the page's form. */
export type FieldName = string | [string, string];

const DOCS = ['strategy', 'basic', 'release1', 'release2', 'conditionsText'];

export function formFieldOf(field: string | undefined): FieldName | undefined {
  if (!field) return undefined;
  const doc = DOCS.find((d) => field === d || field.startsWith(d + '.') || field.startsWith(d + '['));
  if (doc) return doc;
  if (field.startsWith('conditions.')) return ['conditions', field.slice('conditions.'.length).split(/[.[]/)[0]];
  return undefined;
}

/** The errors of a refused save or start: each that names a field of the form at that field, the rest for an alert. */
export function placeErrors(err: unknown, lang: Lang): { fields: { name: FieldName; errors: string[] }[]; rest: unknown[] } {
  if (!(err instanceof ApiError)) return { fields: [], rest: [err] };
  const all = err.details.length ? err.details : [err];
  const byName = new Map<string, { name: FieldName; errors: string[] }>();
  const rest: unknown[] = [];
  for (const e of all) {
    const name = formFieldOf(e.field);
    if (!name) {
      rest.push(e);
      continue;
    }
    const k = JSON.stringify(name);
    const entry = byName.get(k) ?? { name, errors: [] };
    entry.errors.push(verifyErrorText(lang, e));
    byName.set(k, entry);
  }
  return { fields: [...byName.values()], rest };
}
