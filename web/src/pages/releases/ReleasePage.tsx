// 全链路蓝绿灰度发布: the release page, new (/releases/new) or opened
// (/releases/:name). Seed 003's sections in its order; the form is the
// release's spec and is saved with every operation. An opened release is
// operated under its lock; without it the page is read-only.
import { useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Col, Flex, Form, Input, Popconfirm, Row, Space, Spin, type FormInstance } from 'antd';
import { ArrowLeftOutlined, LockOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { ApiError } from '../../api/error';
import type { Operation, OperationResult, Release, ReleaseSpec, ReleaseView } from '../../api/types';
import { isAdmin, useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { mayCreateReleases, mayOperate } from './access';
import { ConditionsCard } from './ConditionsCard';
import { EntryCard } from './EntryCard';
import { ExecuteCard, StateCard } from './ExecuteCards';
import { checkForm, emptyForm, errorsOf, fieldMessages, formOf, issueError, placementOf, specOf, type Check, type ReleaseFormValues } from './form';
import { HistoryCard } from './HistoryCard';
import { PreviewDialog, type PreviewState } from './PreviewDialog';
import { fetchRelease, historyKey, RELEASES_KEY, releaseKey, ruleKey } from './queries';
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
}

function ReleaseEditor({ name }: { name?: string }) {
  const { t, errorText, dateTime } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();
  const isNew = name === undefined;
  const following = useRef(false);
  const release = useQuery({
    queryKey: releaseKey(name ?? ''),
    queryFn: () => fetchRelease(name!),
    enabled: !isNew,
    // While someone else operates it, follow what they do.
    refetchInterval: () => (following.current ? 10_000 : false),
  });
  const data = release.data;
  const canOperate = isNew ? mayCreateReleases(me.data) : !!data && mayOperate(me.data, data.group);
  const ended = data?.state === 'ENDED';
  const lock = useReleaseLock(name, !isNew && canOperate && !!data && !ended);
  const holding = lock.status.kind === 'held';
  const editable = isNew ? canOperate : canOperate && !ended && holding;
  following.current = !isNew && !holding;

  const [form] = Form.useForm<ReleaseFormValues>();
  const [initial] = useState(emptyForm);
  const [base, setBase] = useState<number | undefined>();
  const dirty = useRef(false);
  const [busy, setBusy] = useState<Operation | 'save' | null>(null);
  const [pending, setPending] = useState<Pending>();
  const [dialogError, setDialogError] = useState<unknown>();
  const [errors, setErrors] = useState<unknown[]>([]);
  const [result, setResult] = useState<OperationResult>();
  const versions = useVersions(data?.spec.services ?? [], data?.spec.sort ?? 'version');

  // The form shows the stored release: when it loads, and when it changes
  // elsewhere while the form holds no edit of ours.
  useEffect(() => {
    if (!data) return;
    if (base === undefined || (data.revision !== base && (!dirty.current || !editable))) {
      form.setFieldsValue(formOf(data));
      setBase(data.revision);
      dirty.current = false;
    }
  }, [data, base, editable, form]);

  /** Sets the errors of form items by path (the typed setFields only takes paths it can spell). */
  const setFieldErrors = (fields: { name: (string | number)[]; errors: string[] }[]) => (form as FormInstance).setFields(fields);
  const clearFieldErrors = (only?: string[]) =>
    setFieldErrors(
      form
        .getFieldsError()
        .filter((f) => f.errors.length > 0 && (!only || only.includes(String(f.name[0]))))
        .map((f) => ({ name: f.name, errors: [] })),
    );

  /** Shows errors on their fields, the rest above; returns whether any went on a field. */
  const place = (list: ApiError[], values: ReleaseFormValues, whole?: unknown): boolean => {
    const { placed, unplaced } = fieldMessages(list, values, errorText);
    if (placed.length > 0) {
      setFieldErrors(placed);
      form.scrollToField(placed[0].name, { behavior: 'smooth', block: 'center' });
    }
    setErrors(unplaced.length === 0 ? [] : unplaced.length === list.length && whole ? [whole] : unplaced);
    return placed.length > 0;
  };

  const showError = (err: unknown, values: ReleaseFormValues) => {
    if (err instanceof ApiError) {
      if (err.reason === 'release.locked') void lock.refresh();
      place(errorsOf(err), values, err);
    } else {
      setErrors([err]);
    }
  };

  /** The client checks; false (and the mistakes marked) when the form is not right for this action. */
  const checked = (values: ReleaseFormValues, check: Check): boolean => {
    clearFieldErrors();
    setErrors([]);
    const issues = checkForm(values, check);
    if (issues.length === 0) return true;
    place(issues.map(issueError), values);
    void message.error(t('release.checkFailed'));
    return false;
  };

  const applyRelease = (r: Release) => {
    queryClient.setQueryData<ReleaseView>(releaseKey(r.name), (old) => ({ ...r, lock: old?.lock }));
    form.setFieldsValue(formOf(r));
    setBase(r.revision);
    dirty.current = false;
  };

  const reload = async () => {
    const fresh = await release.refetch();
    if (fresh.data) {
      form.setFieldsValue(formOf(fresh.data));
      setBase(fresh.data.revision);
      dirty.current = false;
      clearFieldErrors();
      setErrors([]);
    }
  };

  const operate = async (operation: Operation) => {
    if (!name) return;
    const values = form.getFieldsValue(true) as ReleaseFormValues;
    setResult(undefined);
    if (!checked(values, operation)) return;
    const spec = specOf(values);
    setBusy(operation);
    try {
      const preview = await api.call(
        api.client.POST('/api/releases/{name}/preview', { params: { path: { name } }, body: { operation, revision: base ?? 0, spec } }),
      );
      setDialogError(undefined);
      setPending({ operation, preview, spec, values });
    } catch (err) {
      showError(err, values);
    } finally {
      setBusy(null);
    }
  };

  const confirm = async () => {
    if (!pending || !name) return;
    setBusy(pending.operation);
    try {
      const r = await api.call(
        api.client.POST('/api/releases/{name}/operations', {
          params: { path: { name } },
          body: { operation: pending.operation, revision: base ?? 0, spec: pending.spec },
        }),
      );
      setPending(undefined);
      setResult(r);
      applyRelease(r.release);
      queryClient.setQueryData(historyKey(name), (old: unknown) => (Array.isArray(old) ? [r.history, ...old] : old));
      void queryClient.invalidateQueries({ queryKey: ruleKey(name) });
      void queryClient.invalidateQueries({ queryKey: historyKey(name) });
      void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
    } catch (err) {
      // Mistakes in the form go back to the form; anything else stays in the dialog.
      if (err instanceof ApiError && errorsOf(err).some((e) => placementOf(e.field, pending.values))) {
        setPending(undefined);
        showError(err, pending.values);
      } else {
        setDialogError(err);
        if (err instanceof ApiError && err.reason === 'release.locked') void lock.refresh();
      }
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    if (!name) return;
    const values = form.getFieldsValue(true) as ReleaseFormValues;
    if (!checked(values, 'save')) return;
    setBusy('save');
    try {
      const r = await api.call(
        api.client.PATCH('/api/releases/{name}', {
          params: { path: { name } },
          body: { revision: base ?? 0, description: values.description ?? '', spec: specOf(values) },
        }),
      );
      applyRelease(r);
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
    } catch (err) {
      showError(err, values);
    } finally {
      setBusy(null);
    }
  };

  const create = async () => {
    clearFieldErrors();
    setErrors([]);
    try {
      await form.validateFields(['name', 'group', 'app']);
    } catch {
      return; // antd marks the fields
    }
    const values = form.getFieldsValue(true) as ReleaseFormValues;
    if (!checked(values, 'save')) return;
    setBusy('save');
    try {
      const partial = values.subscription === 'PARTIAL';
      const r = await api.call(
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
      void message.success(t('release.created', { name: r.name }));
      void queryClient.invalidateQueries({ queryKey: RELEASES_KEY });
      navigate(`/releases/${encodeURIComponent(r.name)}`, { replace: true });
    } catch (err) {
      showError(err, values);
    } finally {
      setBusy(null);
    }
  };

  const onValuesChange = (changed: Partial<ReleaseFormValues>) => {
    dirty.current = true;
    // An edited field's old error no longer applies.
    clearFieldErrors(Object.keys(changed));
  };

  const title = isNew ? t('releases.new') : (name ?? '');
  const banners = (
    <Banners
      isNew={isNew}
      release={data}
      canOperate={canOperate}
      lock={lock}
      admin={isAdmin(me.data)}
      role={me.data?.user.role}
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
            <Button icon={<ArrowLeftOutlined />} onClick={() => navigate('/releases')} data-testid="release-back">
              {t('release.back')}
            </Button>
            {isNew && canOperate && (
              <Button type="primary" icon={<PlusOutlined />} loading={busy === 'save'} onClick={() => void create()} data-testid="release-create">
                {t('release.create')}
              </Button>
            )}
            {!isNew && editable && (
              <Button icon={<SaveOutlined />} loading={busy === 'save'} disabled={busy !== null && busy !== 'save'} onClick={() => void save()} data-testid="release-save">
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
              <RuleCard release={data} follow={following.current} />
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
                editable={editable}
                busy={busy}
                result={result}
                errors={errors}
                onOperate={(op) => void operate(op)}
                onReload={() => void reload()}
              />
            </Col>
            {name && data && (
              <Col span={24}>
                <HistoryCard name={name} follow={following.current} versions={versions.data ?? []} />
              </Col>
            )}
          </Row>
        </Form>
      ) : null}
      <PreviewDialog
        state={pending}
        busy={busy !== null}
        error={dialogError}
        onConfirm={() => void confirm()}
        onCancel={() => {
          setPending(undefined);
          setDialogError(undefined);
        }}
      />
    </>
  );
}

/** Why the page is read-only, and the lock banner (seed 003: one person operates a release at a time). */
function Banners({
  isNew,
  release,
  canOperate,
  lock,
  admin,
  role,
  onBroken,
  dateTime,
}: {
  isNew: boolean;
  release?: ReleaseView;
  canOperate: boolean;
  lock: ReturnType<typeof useReleaseLock>;
  admin: boolean;
  role?: string;
  onBroken: () => void;
  dateTime: (v: string | null | undefined) => string;
}) {
  const { t, errorText } = useI18n();
  const [breaking, setBreaking] = useState(false);
  const [breakError, setBreakError] = useState<unknown>();
  const status = lock.status;
  const alerts = [];
  if (!isNew && release && !canOperate) {
    const text = role === 'viewer' ? t('release.viewerReadOnly') : t('release.notMemberReadOnly', { group: release.group });
    alerts.push(<Alert key="ro" type="info" showIcon title={text} data-testid="release-readonly" />);
  }
  if (isNew && !canOperate) {
    alerts.push(<Alert key="ro" type="info" showIcon title={t('release.viewerReadOnly')} data-testid="release-readonly" />);
  }
  if (release?.state === 'ENDED') {
    alerts.push(<Alert key="ended" type="info" showIcon title={t('release.endedReadOnly')} data-testid="release-ended" />);
  }
  if (status.kind === 'other') {
    const doBreak = async () => {
      setBreaking(true);
      setBreakError(undefined);
      try {
        await lock.breakLock();
        onBroken();
      } catch (err) {
        setBreakError(err);
      } finally {
        setBreaking(false);
      }
    };
    alerts.push(
      <Alert
        key="lock"
        type="warning"
        showIcon
        icon={<LockOutlined />}
        data-testid="lock-banner"
        title={t('lock.banner', { holder: status.holder, since: dateTime(status.since) || '—' })}
        description={breakError ? errorText(breakError) : t('lock.bannerDesc')}
        action={
          admin && (
            <Popconfirm
              title={t('lock.breakConfirm', { holder: status.holder })}
              description={t('lock.breakDesc', { holder: status.holder })}
              okText={t('lock.break')}
              okButtonProps={{ danger: true, 'data-testid': 'lock-break-confirm' }}
              cancelText={t('common.cancel')}
              onConfirm={doBreak}
            >
              <Button danger size="small" loading={breaking} data-testid="lock-break">
                {t('lock.break')}
              </Button>
            </Popconfirm>
          )
        }
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
