// What the two pages share: the entry (group and app) and the run shown, in
// the URL; who may act; the saved config (none yet is not an error); past
// runs; the run shown, live; saving and starting with the server's field
// errors put on the form; the refusals that name someone else's work.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, type FormInstance } from 'antd';
import { ApiError } from '../../api/error';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { readOnlyFor } from './access';
import { placeErrors, type FieldName } from './messages';
import { taskOf, type VerifyKind, type VerifyRun, type VerifyStarted } from './model';
import { abortRun, configKey, fetchRunning, fetchRuns, RUNNING_KEY, runKey, runsKey } from './queries';
import { isRefusal } from './RefusalDialog';
import { normalizeRun } from './normalize';
import { useLiveRun } from './useLiveRun';

const RUNS_POLL_MS = 5_000;

export interface PageOptions<C, R> {
  kind: VerifyKind;
  fetchConfig: (group: string, app: string) => Promise<C>;
  save: (group: string, app: string, body: R) => Promise<C>;
  start: (group: string, app: string, body: R) => Promise<VerifyStarted>;
}

/** The saved config, or null when none is saved yet. */
async function orNone<C>(p: Promise<C>): Promise<C | null> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

export function useVerifyPage<C extends { revision: number }, R>(o: PageOptions<C, R>) {
  const { t, lang, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const group = params.get('group') ?? undefined;
  const app = params.get('app') ?? undefined;
  const picked = !!(group && app);
  const me = useMe();
  const readOnly = readOnlyFor(me.data, group);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [problem, setProblem] = useState<unknown>(null);

  const setEntry = (g?: string, a?: string) => {
    const next = new URLSearchParams();
    if (g) next.set('group', g);
    if (a) next.set('app', a);
    setParams(next);
  };
  const openRun = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('run', id);
    setParams(next);
  };

  const config = useQuery({
    queryKey: configKey(o.kind, group ?? '', app ?? ''),
    queryFn: () => orNone(o.fetchConfig(group!, app!)),
    enabled: picked,
  });
  const runs = useQuery({
    queryKey: runsKey(o.kind, group ?? '', app ?? ''),
    queryFn: () => fetchRuns(o.kind, group!, app!),
    enabled: picked,
    refetchInterval: (q) => (q.state.data?.some((r) => r.status === 'RUNNING') ? RUNS_POLL_MS : false),
  });
  const running = useQuery({ queryKey: RUNNING_KEY, queryFn: fetchRunning, enabled: o.kind === 'simulation', refetchInterval: RUNS_POLL_MS });
  const runningHere = picked ? running.data?.find((r) => r.task === taskOf(group!, app!)) : undefined;

  const shownId = params.get('run') ?? runs.data?.[0]?.id;
  const refreshLists = () => {
    void queryClient.invalidateQueries({ queryKey: runsKey(o.kind, group ?? '', app ?? '') });
    void queryClient.invalidateQueries({ queryKey: RUNNING_KEY });
  };
  const live = useLiveRun(picked ? shownId : undefined, refreshLists);

  const fail = (form: FormInstance, err: unknown) => {
    if (isRefusal(err)) {
      setRefusal(err);
      return;
    }
    const { fields, rest } = placeErrors(err, lang);
    // A conditions field that is not on screen: the text when the text is shown, the entry choice for the URL.
    const text = form.getFieldValue('mode') === 'text';
    const viaEntry = form.getFieldValue('target') !== 'url';
    const shown = (name: FieldName): FieldName => {
      if (!Array.isArray(name)) return name;
      if (text) return 'conditionsText';
      return name[1] === 'inspectUrl' && viaEntry ? 'target' : name;
    };
    form.setFields(fields.map((f) => ({ name: shown(f.name), errors: f.errors })));
    setProblem(rest[0] ?? (fields.length ? new Error(t('verify.checkFailed')) : null));
  };

  /** The server's last refusal is cleared from the fields before the next try. */
  const clear = (form: FormInstance) => {
    setProblem(null);
    form.setFields(form.getFieldsError().filter((f) => f.errors.length > 0).map((f) => ({ name: f.name, errors: [] })));
  };

  const save = useMutation({
    mutationFn: (v: { form: FormInstance; body: R }) => o.save(group!, app!, v.body),
    onMutate: (v) => clear(v.form),
    onSuccess: (saved) => {
      queryClient.setQueryData(configKey(o.kind, group!, app!), saved);
      void message.success(t('verify.saved', { revision: saved.revision }));
    },
    onError: (err, v) => fail(v.form, err),
  });

  const start = useMutation({
    mutationFn: async (v: { form: FormInstance; body: R }) => {
      // Seed 003: before starting, the simulations running now are asked whether this one already runs.
      if (o.kind === 'simulation') {
        const now = await queryClient.fetchQuery({ queryKey: RUNNING_KEY, queryFn: fetchRunning, staleTime: 0 });
        const same = now.find((r) => r.task === taskOf(group!, app!));
        if (same) throw runningRefusal(same);
      }
      return o.start(group!, app!, v.body);
    },
    onMutate: (v) => clear(v.form),
    onSuccess: (started) => {
      queryClient.setQueryData(runKey(started.id), normalizeRun(started.run));
      void message.success(t('verify.started', { task: started.task, id: started.id }));
      void queryClient.invalidateQueries({ queryKey: configKey(o.kind, group!, app!) });
      refreshLists();
      openRun(started.id);
    },
    onError: (err, v) => fail(v.form, err),
  });

  const abort = useMutation({
    mutationFn: (id: string) => abortRun(id),
    onSuccess: (run) => {
      queryClient.setQueryData(runKey(run.id), normalizeRun(run));
      void message.success(t('verify.abort.done'));
    },
    onError: (err) => void message.error(errorText(err)),
  });

  return {
    group,
    app,
    picked,
    task: picked ? taskOf(group!, app!) : '',
    readOnly,
    setEntry,
    openRun,
    config,
    revision: config.data?.revision ?? 0,
    runs,
    runningHere,
    shownId,
    live,
    save,
    start,
    abort,
    problem,
    refusal,
    closeRefusal: () => setRefusal(null),
    busy: save.isPending || start.isPending,
  };
}

/** The refusal the server would give, from the list of running simulations. */
function runningRefusal(r: VerifyRun): ApiError {
  return new ApiError(409, {
    code: 'conflict',
    reason: 'verify.running',
    message: `simulation ${r.id} of ${r.task} is running (started by ${r.startedBy} at ${r.startedAt})`,
    params: { id: r.id, task: r.task, user: r.startedBy, since: r.startedAt },
  });
}
