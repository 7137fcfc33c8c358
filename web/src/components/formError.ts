import type { FormInstance } from 'antd';
import { ApiError } from '../api/error';

/**
 * Puts an API error on the form field it names (when the form has that
 * field) and returns undefined; otherwise returns the error for the dialog
 * to show above the form.
 */
export function placeFormError(form: FormInstance, fields: readonly string[], err: unknown, text: (e: unknown) => string): unknown {
  if (err instanceof ApiError && err.field && fields.includes(err.field)) {
    form.setFields([{ name: err.field, errors: [text(err)] }]);
    return undefined;
  }
  return err;
}
