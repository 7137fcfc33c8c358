// A write started from a button or a confirmation (delete, revoke): a
// TanStack Query mutation whose outcome is a message — the success text or
// the error in the user's language — and whose queries are refetched either
// way (a refused delete may mean the row changed elsewhere).
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { useI18n } from '../i18n/I18nProvider';

export interface ActionOptions<V, R> {
  action: (vars: V) => Promise<R>;
  /** The success message. */
  done: (vars: V, result: R) => string;
  /** Refetched after the action, whatever its outcome. */
  invalidates: readonly QueryKey[];
  onSuccess?: (vars: V, result: R) => void;
  /** After the refetch (e.g. dropping the cache entry of what was deleted). */
  onSettled?: (vars: V) => void;
}

export function useAction<V, R = unknown>(o: ActionOptions<V, R>) {
  const { errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: o.action,
    onSuccess: (result, vars) => {
      void message.success(o.done(vars, result));
      o.onSuccess?.(vars, result);
    },
    onError: (err) => void message.error(errorText(err)),
    onSettled: async (_r, _e, vars) => {
      await Promise.all(o.invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      o.onSettled?.(vars);
    },
  });
  return {
    /** Runs it; the promise settles when it is done (a Popconfirm shows its OK button loading meanwhile). */
    run: (vars: V): Promise<void> => mutation.mutateAsync(vars).then(
      () => undefined,
      () => undefined,
    ),
    pending: mutation.isPending,
  };
}
