// Server errors in the user's language: translated by reason, with the
// error's params (and its field) filling the placeholders; the server's
// English message when the bundle has no such reason or lacks a param.
import { ApiError } from '../api/error';
import { bundles, format, formatDateTime, isMessageKey, placeholders, type Lang, type Params } from './messages';

/** The message key naming a param's value, by param. */
const NAMED_PARAMS: Record<string, (value: string, reason: string) => string | undefined> = {
  role: (v) => `role.${v}`,
  operation: (v) => `release.op.${v}`,
  state: (v) => `release.state.${v || 'NEW'}`,
  field: (v, reason) => (reason.startsWith('field.') ? `fieldName.${v}` : undefined),
};

export function translateError(lang: Lang, err: unknown): string {
  if (!(err instanceof ApiError)) {
    return err instanceof Error ? err.message : String(err);
  }
  const messages = bundles[lang];
  const key = `error.${err.reason ?? ''}`;
  if (!err.reason || !isMessageKey(key)) {
    return err.message;
  }
  const template = messages[key];
  const params: Params = { ...(err.field ? { field: err.field } : {}), ...err.params };
  // Values with a name in the user's language are shown by it: a role, a
  // release operation or state, and the field of a generic field.* reason.
  for (const [param, keyOf] of Object.entries(NAMED_PARAMS)) {
    const value = params[param];
    if (typeof value !== 'string') continue;
    const nameKey = keyOf(value, err.reason);
    if (nameKey && isMessageKey(nameKey)) {
      params[param] = messages[nameKey];
    }
  }
  // Times (a lock's since) in the user's language and zone.
  if (typeof params.since === 'string') params.since = formatDateTime(lang, params.since);
  if (placeholders(template).some((p) => !(p in params))) {
    return err.message;
  }
  return format(template, params);
}
