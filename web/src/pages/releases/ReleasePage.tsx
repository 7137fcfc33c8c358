// 全链路蓝绿灰度发布: the release page, new (/releases/new) or opened
// (/releases/:name). Seed 003's sections in its order; the form is the
// release's spec and is saved with every operation. An opened release is
// operated under its lock (this browser session's); without it the page is
// read-only and follows the release. The page polls the release's status:
// a lock that changed hands is asked for again at once, a page that takes
// the lock (again) reloads the release first, and a release changed
// underneath a page that holds the lock is said so at once, with every
// operation disabled until the page is reloaded. The checks before an
// operation list every problem in a dialog, and mark the fields.
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Col, Flex, Form, Input, Popconfirm, Row, Space, Spin, Typography, type FormInstance } from 'antd';
import { ArrowLeftOutlined, LockOutlined, PlusOutlined, ReloadOutlined, SaveOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { ApiError } from '../../api/error';
import type { Operation, OperationRequest, OperationResult, Release, ReleaseSpec, ReleaseView } from '../../api/types';
import { RolloutOptions, RolloutProgressView } from './RolloutOptions';
import { NO_ROLLOUT, rolloutRequest, type RolloutChoice } from './rollout';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ReleaseLinks } from '../executions/ReleaseLinks';
import { PageHeader } from '../../components/PageHeader';
import { editableButForLock, mayCreateReleases, readOnlyReason } from './access';
import { ConditionsCard } from './ConditionsCard';
import { EntryCard } from './EntryCard';
import { ExecuteCard, StateCard } from './ExecuteCards';
import { changedPaths, checkForm, emptyForm, errorsOf, fieldMessages, formOf, issueError, placementOf, problemsOf, specOf, touches, type Check, type NamePath, type ReleaseFormValues } from './form';
import { HistoryCard } from './HistoryCard';
import { PreviewDialog, type PreviewState } from './PreviewDialog';
import { fetchRelease, fetchStatus, historyKey, RELEASES_KEY, releaseKey, ruleKey, STATUS_POLL_MS, statusKey } from './queries';
import { RuleCard } from './RuleCard';
import { ServicesCard, useVersions } from './ServicesCard';
import { StateTag, TypeTag } from './parts';
import { useReleaseLock } from './useReleaseLock';

export function NewReleasePage() {
  return <ReleaseEditor />;
}

export function OpenReleasePage() {
  const { name = '' } = useParams();
  return <ReleaseEditor key={name} name={name} />;
}

/** A release name the console can open: not the /releases/new route, no '/'. */
const NAME_RULES = (t: ReturnType<typeof useI18n>['t']) => [
  { required: true, whitespace: true, message: t('release.nameRequired') },
  { max: 100, message: t('error.field.length', { field: t('fieldName.name'), max: 100 }) },
  { pattern: /^[^/]*$/, message: t('error.field.chars', { field: t('fieldName.name') }) },
  { validator: (_: unknown, v?: string) => (v?.trim() === 'new' ? Promise.reject(new Error(t('release.nameReserved'))) : Promise.resolve()) },
];

interface Pending extends PreviewState {
  spec: ReleaseSpec;
  values: ReleaseFormValues;
  /** 上线新服务 / 下线旧服务 chosen in the dialog. */
  rollout?: Pick<OperationRequest, 'deploy' | 'offline'>;
}

function ReleaseEditor({ name }: { name?: string }) {
  const { t, errorText, dateTime } = useI18n();
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();
  const isNew = name === undefined;
  const release = useQuery({
    queryKey: releaseKey(name ?? ''),
    queryFn: () => fetchRelease(name!),
    enabled: !isNew,
  });
  const data = release.data;
  const canCreate = mayCreateReleases(me.data);

  const [form] = Form.useForm<ReleaseFormValues>();
  const [initial] = useState(emptyForm);
  const [base, setBase] = useState<number | undefined>();
  const dirty = useRef(false);
  const [pending, setPending] = useState<Pending>();
  const [rollout, setRollout] = useState<RolloutChoice>(NO_ROLLOUT);
  const [rolloutProblem, setRolloutProblem] = useState<string>();
  const [dialogError, setDialogError] = useState<unknown>();
  const [errors, setErrors] = useState<unknown[]>([]);
  const [result, setResult] = useState<OperationResult>();
  const versions = useVersions(data?.spec.services ?? [], data?.spec.sort ?? 'version');

  /** Shows the release as stored: the form, its revision, no edits, no old marks. */
  const show = (v: Release) => {
    form.setFieldsValue(formOf(v));
    setBase(v.revision);
    dirty.current = false;
    clearFieldErrors();
    setErrors([]);
  };

  /** Reads the release again and shows it (and what was published with it). */
  const reload = async () => {
    const fresh = await release.refetch();
    if (fresh.data) show(fresh.data);
    if (name) {
      void queryClient.invalidateQueries({ queryKey: ruleKey(name) });
      void queryClient.invalidateQueries({ queryKey: historyKey(name) });
    }
  };

  // The page takes the lock when nothing but someone else's lock keeps the
  // user from editing (the server says: ReleaseView.mayEdit and its refusal);
  // taking it (again), it reloads the release first.
  const lockable = !isNew && !!data && editableButForLock(data);
  const lock = useReleaseLock(name, lockable, reload);
  const holding = lock.status.kind === 'held';
  const editable = isNew ? canCreate : lockable && holding;
  const following = !isNew && !holding;

  // What the user may do depends on who holds the lock: ask again when it changes hands.
  const lockKind = lock.status.kind;
  const lastKind = useRef(lockKind);
  useEffect(() => {
    if (name && lockKind !== 'pending' && lockKind !== 'off') void queryClient.invalidateQueries({ queryKey: releaseKey(name), exact: true });
    // Taken over from someone else (or another session of the user's): the page was reloaded first, say so.
    if (lockKind === 'held' && (lastKind.current === 'other' || lastKind.current === 'elsewhere')) void message.info(t('lock.retaken'));
    lastKind.current = lockKind;
  }, [lockKind, name, queryClient, message, t]);

  // The status, polled: the revision and the lock, to notice at once what
  // changed underneath.
  const status = useQuery({
    queryKey: statusKey(name ?? ''),
    queryFn: () => fetchStatus(name!),
    enabled: !isNew && !!data,
    refetchInterval: STATUS_POLL_MS,
  });
  const polled = status.data;
  useEffect(() => {
    if (!name || !polled || !data) return;
    if (polled.revision !== data.revision || polled.state !== data.state || polled.lock?.holder !== data.lock?.holder) {
      void queryClient.invalidateQueries({ queryKey: releaseKey(name), exact: true });
      if (polled.revision !== data.revision) {
        void queryClient.invalidateQueries({ queryKey: ruleKey(name) });
        void queryClient.invalidateQueries({ queryKey: historyKey(name) });
        void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
      }
    }
    if (!lockable) return;
    const s = lock.status;
    const lost = s.kind === 'held' && !polled.lockedByYou;
    const freed = (s.kind === 'other' || s.kind === 'elsewhere') && !polled.lock;
    const passed = s.kind === 'other' && !!polled.lock && polled.lock.holderName !== s.holder;
    if (lost || freed || passed) void lock.refresh();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reacts to each poll
  }, [polled]);

  // The form shows the stored release: when it loads, and, while the page
  // only follows it (someone else operates it), whenever it changes. A page
  // that holds the lock is never changed under the user's hands: it says
  // the release changed (stale) until reloaded.
  useEffect(() => {
    if (!data) return;
    if (base === undefined || (data.revision !== base && !editable)) {
      form.setFieldsValue(formOf(data));
      setBase(data.revision);
      dirty.current = false;
    }
  }, [data, base, editable, form]);

  /** Sets the errors of form items by path (the typed setFields only takes paths it can spell). */
  const setFieldErrors = (fields: { name: (string | number)[]; errors: string[] }[]) => (form as FormInstance).setFields(fields);
  const clearFieldErrors = (only?: NamePath[]) =>
    setFieldErrors(
      form
        .getFieldsError()
        .filter((f) => f.errors.length > 0 && (!only || touches(f.name, only)))
        .map((f) => ({ name: f.name, errors: [] })),
    );

  /**
   * Shows a refused form: every mistake on its field, those without one
   * above the form, and all of them in a dialog (seed 003: "如果不正确，弹出
   * 对话框提示"); returns whether any went on a field.
   */
  const place = (list: ApiError[], values: ReleaseFormValues, check: Check, whole?: unknown): boolean => {
    const { placed, unplaced } = fieldMessages(list, values, errorText);
    if (placed.length > 0) {
      setFieldErrors(placed);
      form.scrollToField(placed[0].name, { behavior: 'smooth', block: 'center' });
    }
    setErrors(unplaced.length === 0 ? [] : unplaced.length === list.length && whole ? [whole] : unplaced);
    if (placed.length > 0) showProblems(list, values, check);
    return placed.length > 0;
  };

  /** The dialog listing every problem of the form. */
  const showProblems = (list: ApiError[], values: ReleaseFormValues, check: Check) => {
    const problems = problemsOf(list, values, errorText, t);
    const what = check === 'save' ? t(isNew ? 'release.create' : 'common.save') : t(`release.op.${check}`);
    modal.error({
      title: t('check.title', { count: problems.length }),
      width: 640,
      okText: t('check.ok'),
      content: (
        <Flex vertical gap={8} data-testid="check-dialog">
          <Typography.Text>{t('check.intro', { action: what })}</Typography.Text>
          <ol className="check-problems" data-testid="check-problems">
            {problems.map((p, i) => (
              <li key={i} data-testid="check-problem">
                {p.label && (
                  <Typography.Text strong>
                    {p.label}
                    {t('check.sep')}
                  </Typography.Text>
                )}
                {p.message}
              </li>
            ))}
          </ol>
        </Flex>
      ),
    });
  };

  const showError = (err: unknown, values: ReleaseFormValues, check: Check) => {
    if (err instanceof ApiError) {
      if (err.reason?.startsWith('release.locked') || err.reason === 'release.ended') void lock.refresh();
      place(errorsOf(err), values, check, err);
    } else {
      setErrors([err]);
    }
  };

  /** The client checks; false (and every mistake marked, and listed in the dialog) when the form is not right for this action. */
  const checked = (values: ReleaseFormValues, check: Check): boolean => {
    clearFieldErrors();
    setErrors([]);
    const issues = checkForm(values, check);
    if (issues.length === 0) return true;
    place(issues.map(issueError), values, check);
    return false;
  };

  const applyRelease = (r: Release) => {
    queryClient.setQueryData<ReleaseView>(releaseKey(r.name), (old) => old && { ...old, ...r });
    // What may be done next follows the new state: the server says.
    void queryClient.invalidateQueries({ queryKey: releaseKey(r.name), exact: true });
    form.setFieldsValue(formOf(r));
    setBase(r.revision);
    dirty.current = false;
  };

  // 二次确认: the preview of an operation, then the operation itself.
  const preview = useMutation({
    mutationFn: (p: Omit<Pending, 'preview'>) =>
      api.call(api.client.POST('/api/releases/{name}/preview', { params: { path: { name: name! } }, body: { operation: p.operation, revision: base ?? 0, spec: p.spec } })),
    onSuccess: (shown, p) => {
      setDialogError(undefined);
      setPending({ ...p, preview: shown });
    },
    onError: (err, p) => showError(err, p.values, p.operation),
  });

  const execute = useMutation({
    mutationFn: (p: Pending) =>
      api.call(
        api.client.POST('/api/releases/{name}/operations', {
          params: { path: { name: name! } },
          body: { operation: p.operation, revision: base ?? 0, spec: p.spec, ...p.rollout },
        }),
      ),
    onSuccess: (r) => {
      setPending(undefined);
      setRollout(NO_ROLLOUT);
      setResult(r);
      applyRelease(r.release);
      queryClient.setQueryData(historyKey(r.release.name), (old: unknown) => (Array.isArray(old) ? [r.history, ...old] : old));
      void queryClient.invalidateQueries({ queryKey: ruleKey(r.release.name) });
      void queryClient.invalidateQueries({ queryKey: historyKey(r.release.name) });
      void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
    },
    onError: (err, p) => {
      // Mistakes in the form go back to the form; anything else stays in the dialog.
      if (err instanceof ApiError && errorsOf(err).some((e) => placementOf(e.field, p.values, e.reason))) {
        setPending(undefined);
        showError(err, p.values, p.operation);
      } else {
        setDialogError(err);
        if (err instanceof ApiError && (err.reason?.startsWith('release.locked') || err.reason === 'release.ended')) void lock.refresh();
      }
    },
  });

  const save = useMutation({
    mutationFn: (values: ReleaseFormValues) =>
      api.call(
        api.client.PATCH('/api/releases/{name}', {
          params: { path: { name: name! } },
          body: { revision: base ?? 0, description: values.description ?? '', spec: specOf(values) },
        }),
      ),
    onSuccess: (r) => {
      applyRelease(r);
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
    },
    onError: (err, values) => showError(err, values, 'save'),
  });

  const create = useMutation({
    mutationFn: (values: ReleaseFormValues) => {
      const partial = values.subscription === 'PARTIAL';
      return api.call(
        api.client.POST('/api/releases', {
          body: {
            name: values.name.trim(),
            description: values.description ?? '',
            subscription: values.subscription,
            group: values.group ?? '',
            ...(partial ? { app: values.app ?? '' } : {}),
            spec: specOf(values),
          },
        }),
      );
    },
    onSuccess: (r) => {
      void message.success(t('release.created', { name: r.name }));
      void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
      navigate(`/releases/${encodeURIComponent(r.name)}`, { replace: true });
    },
    onError: (err, values) => showError(err, values, 'save'),
  });

  /** What is being done: an operation (its preview or itself), or saving the form. */
  const busy: Operation | 'save' | null = preview.isPending
    ? preview.variables.operation
    : execute.isPending
      ? execute.variables.operation
      : save.isPending || create.isPending
        ? 'save'
        : null;
  // Holding the lock, the page shows the release as it was when the user
  // started; one changed underneath (not by this page's own write, which
  // moves base) disables everything until reloaded.
  const stale = !isNew && editable && !!data && base !== undefined && data.revision !== base && busy === null;

  const operate = (operation: Operation) => {
    if (!name || stale) return;
    const values = form.getFieldsValue(true) as ReleaseFormValues;
    setResult(undefined);
    if (!checked(values, operation)) return;
    preview.mutate({ operation, spec: specOf(values), values });
  };

  const onSave = () => {
    if (!name || stale) return;
    const values = form.getFieldsValue(true) as ReleaseFormValues;
    if (checked(values, 'save')) save.mutate(values);
  };

  const onCreate = async () => {
    clearFieldErrors();
    setErrors([]);
    try {
      await form.validateFields(['name', 'group', 'app']);
    } catch {
      return; // antd marks the fields
    }
    const values = form.getFieldsValue(true) as ReleaseFormValues;
    if (checked(values, 'save')) create.mutate(values);
  };

  const onValuesChange = (changed: Partial<ReleaseFormValues>) => {
    dirty.current = true;
    // An edited field's old error no longer applies.
    clearFieldErrors(changedPaths(changed));
  };

  const title = isNew ? t('releases.new') : (name ?? '');
  const banners = (
    <Banners
      isNew={isNew}
      release={data}
      canCreate={canCreate}
      lock={lock}
      stale={stale ? { from: base ?? 0, to: data?.revision ?? 0 } : undefined}
      onReload={() => void reload()}
      onBroken={() => void message.success(t('lock.broken'))}
      dateTime={dateTime}
    />
  );

  return (
    <>
      <PageHeader
        path={[t('app.name'), t('releases.title'), title]}
        title={t('release.pageTitle')}
        subtitle={
          isNew ? (
            t('release.newSubtitle')
          ) : data ? (
            <Space size={8} wrap>
              <span data-testid="release-title-name">{data.name}</span>
              <StateTag state={data.state} />
              <TypeTag type={data.type} />
            </Space>
          ) : undefined
        }
        extra={
          <>
            {!isNew && name && <ReleaseLinks release={name} />}
            <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/releases')} data-testid="release-back">
              {t('release.back')}
            </Button>
            {isNew && canCreate && (
              <Button type="primary" icon={<PlusOutlined />} loading={busy === 'save'} onClick={() => void onCreate()} data-testid="release-create">
                {t('release.create')}
              </Button>
            )}
            {!isNew && editable && (
              <Button icon={<SaveOutlined />} loading={busy === 'save'} disabled={stale || (busy !== null && busy !== 'save')} onClick={onSave} data-testid="release-save">
                {t('common.save')}
              </Button>
            )}
          </>
        }
      />
      {banners}
      {!isNew && release.isError && <ErrorAlert error={release.error} onRetry={() => void release.refetch()} />}
      {!isNew && !data && release.isPending ? (
        <Flex justify="center" style={{ padding: 48 }}>
          <Spin />
        </Flex>
      ) : isNew || data ? (
        <Form<ReleaseFormValues>
          form={form}
          layout="vertical"
          initialValues={data ? formOf(data) : initial}
          disabled={!editable}
          onValuesChange={onValuesChange}
          data-testid="release-form"
        >
          <Row gutter={[16, 16]}>
            <Col span={24}>
              <Card size="small" className="release-card">
                <Row gutter={16}>
                  <Col xs={24} lg={8}>
                    <Form.Item name="name" label={t('release.name')} extra={isNew ? t('release.nameHelp') : undefined} rules={isNew ? NAME_RULES(t) : []} style={{ marginBottom: 0 }}>
                      <Input disabled={!isNew || undefined} autoComplete="off" data-testid="release-name" />
                    </Form.Item>
                  </Col>
                  <Col xs={24} lg={16}>
                    <Form.Item name="description" label={t('release.description')} rules={[{ max: 1000, message: t('error.description.length') }]} style={{ marginBottom: 0 }}>
                      <Input maxLength={1000} data-testid="release-description" />
                    </Form.Item>
                  </Col>
                </Row>
              </Card>
            </Col>
            <Col xs={24} xl={9}>
              <EntryCard fixed={!isNew} />
            </Col>
            <Col xs={24} xl={15}>
              <ServicesCard />
            </Col>
            <Col xs={24} xl={16}>
              <RuleCard release={data} follow={following} />
            </Col>
            <Col xs={24} xl={8}>
              <StateCard release={data} holding={holding} />
            </Col>
            <Col span={24}>
              <ConditionsCard />
            </Col>
            <Col span={24}>
              <ExecuteCard
                release={data}
                editable={editable && !stale}
                busy={busy}
                result={result}
                errors={errors}
                onOperate={operate}
                onReload={() => void reload()}
              />
            </Col>
            {name && data && (
              <Col span={24}>
                <HistoryCard name={name} follow={following} versions={versions.data ?? []} />
              </Col>
            )}
          </Row>
        </Form>
      ) : null}
      <PreviewDialog
        state={pending}
        busy={busy !== null}
        error={dialogError}
        onConfirm={() => {
          if (!pending) return;
          const { body, problem } = rolloutRequest(pending.operation, rollout);
          setRolloutProblem(problem);
          if (!problem) execute.mutate({ ...pending, rollout: body });
        }}
        onCancel={() => {
          setPending(undefined);
          setDialogError(undefined);
          setRollout(NO_ROLLOUT);
          setRolloutProblem(undefined);
        }}
        extra={
          pending && (
            <>
              <RolloutOptions operation={pending.operation} choice={rollout} problem={rolloutProblem} disabled={execute.isPending} onChange={setRollout} />
              {name && <RolloutProgressView name={name} running={execute.isPending && rollout.enabled} keep={rollout.enabled && !!dialogError} />}
            </>
          )
        }
      />
    </>
  );
}

/** Why the page is read-only, the lock banner (seed 003: one person operates a release at a time), and a release changed underneath. */
function Banners({
  isNew,
  release,
  canCreate,
  lock,
  stale,
  onReload,
  onBroken,
  dateTime,
}: {
  isNew: boolean;
  release?: ReleaseView;
  canCreate: boolean;
  lock: ReturnType<typeof useReleaseLock>;
  stale?: { from: number; to: number };
  onReload: () => void;
  onBroken: () => void;
  dateTime: (v: string | null | undefined) => string;
}) {
  const { t, errorText } = useI18n();
  const breakLock = useMutation({ mutationFn: lock.breakLock, onSuccess: onBroken });
  const status = lock.status;
  const alerts = [];
  const readOnly = release && readOnlyReason(release);
  if (isNew) {
    // A deliberate departure from the seed, said where it applies.
    alerts.push(<Alert key="new" type="info" showIcon title={t('release.newDeparture')} data-testid="release-new-departure" />);
  }
  if (!isNew && release && readOnly) {
    const text = readOnly === 'viewer' ? t('release.viewerReadOnly') : t('release.notMemberReadOnly', { group: release.group });
    alerts.push(<Alert key="ro" type="info" showIcon title={text} data-testid="release-readonly" />);
  }
  if (isNew && !canCreate) {
    alerts.push(<Alert key="ro" type="info" showIcon title={t('release.viewerReadOnly')} data-testid="release-readonly" />);
  }
  if (release?.state === 'ENDED') {
    alerts.push(<Alert key="ended" type="info" showIcon title={t('release.endedReadOnly')} data-testid="release-ended" />);
  }
  if (stale) {
    alerts.push(
      <Alert
        key="stale"
        type="warning"
        showIcon
        data-testid="release-stale"
        title={t('release.stale.title', { from: stale.from, to: stale.to })}
        description={t('release.stale.desc')}
        action={
          <Button type="primary" size="small" icon={<ReloadOutlined />} onClick={onReload} data-testid="release-stale-reload">
            {t('release.stale.reload')}
          </Button>
        }
      />,
    );
  }
  const breakButton = (holder: string) =>
    release?.mayBreakLock && (
      <Popconfirm
        title={t('lock.breakConfirm', { holder })}
        description={t('lock.breakDesc', { holder })}
        okText={t('lock.break')}
        okButtonProps={{ danger: true, 'data-testid': 'lock-break-confirm' }}
        cancelText={t('common.cancel')}
        onConfirm={() => breakLock.mutateAsync().catch(() => undefined)}
      >
        <Button danger size="small" loading={breakLock.isPending} data-testid="lock-break">
          {t('lock.break')}
        </Button>
      </Popconfirm>
    );
  if (status.kind === 'other') {
    alerts.push(
      <Alert
        key="lock"
        type="warning"
        showIcon
        icon={<LockOutlined />}
        data-testid="lock-banner"
        title={t('lock.banner', { holder: status.holder, since: dateTime(status.since) || '—' })}
        description={breakLock.error ? errorText(breakLock.error) : t('lock.bannerDesc')}
        action={breakButton(status.holder)}
      />,
    );
  }
  if (status.kind === 'elsewhere') {
    alerts.push(
      <Alert
        key="elsewhere"
        type="warning"
        showIcon
        icon={<LockOutlined />}
        data-testid="lock-elsewhere"
        title={t('lock.elsewhere', { since: dateTime(status.since) || '—' })}
        description={breakLock.error ? errorText(breakLock.error) : t('lock.elsewhereDesc')}
        action={breakButton(t('lock.yourOtherSession'))}
      />,
    );
  }
  if (status.kind === 'error') {
    alerts.push(<Alert key="lockerr" type="error" showIcon title={t('lock.error', { error: errorText(status.error) })} data-testid="lock-error" />);
  }
  return alerts.length ? (
    <Flex vertical gap={8} style={{ marginBottom: 16 }}>
      {alerts}
    </Flex>
  ) : null;
}
