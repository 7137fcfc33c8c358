import type { FormInstance } from 'antd';
import { ApiError } from '../api/error';

/**
 * Puts an API error on the form fields it names (each of its details on its
 * own field, when the form has that field) and returns undefined; what
 * names no field of the form is returned for the dialog to show above it
 * (the error itself when none of it went on a field).
 */
export function placeFormError(form: FormInstance, fields: readonly string[], err: unknown, text: (e: unknown) => string): unknown {
  if (!(err instanceof ApiError)) return err;
  const all = err.details.length ? err.details : [err];
  const placed = all.filter((e) => e.field && fields.includes(e.field));
  if (placed.length > 0) {
    const byField = new Map<string, string[]>();
    for (const e of placed) byField.set(e.field!, [...(byField.get(e.field!) ?? []), text(e)]);
    form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  }
  if (placed.length === 0) return err;
  return all.find((e) => !placed.includes(e));
}
