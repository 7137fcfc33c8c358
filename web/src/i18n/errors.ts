// Server errors in the user's language: translated by reason, with the
// error's params (and its field) filling the placeholders; the server's
// English message when the bundle has no such reason or lacks a param.
import { ApiError } from '../api/error';
import { bundles, format, isMessageKey, placeholders, type Lang, type Params } from './messages';

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
  // A role in params is shown by its name in the user's language.
  if (typeof params.role === 'string') {
    const roleKey = `role.${params.role}`;
    if (isMessageKey(roleKey)) {
      params.role = messages[roleKey];
    }
  }
  if (placeholders(template).some((p) => !(p in params))) {
    return err.message;
  }
  return format(template, params);
}
