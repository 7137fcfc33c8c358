// One setting of the side panel: its label, and the side panel's own check
// or the server's problem of that field under it.
import { createContext, useContext, type ReactNode } from 'react';
import { Form } from 'antd';

export interface FieldErrors {
  /** The message of a field ("config.weight"), if it has a problem. */
  at(field: string): string | undefined;
}

export const FieldErrorsContext = createContext<FieldErrors>({ at: () => undefined });

export function Field({ field, label, hint, children }: { field: string; label: ReactNode; hint?: ReactNode; children: ReactNode }) {
  const error = useContext(FieldErrorsContext).at(field);
  return (
    <Form.Item
      label={label}
      validateStatus={error ? 'error' : undefined}
      help={error ?? hint}
      style={{ marginBottom: 10 }}
      data-field={field}
      data-testid={`wf-field-${field}`}
    >
      {children}
    </Form.Item>
  );
}
