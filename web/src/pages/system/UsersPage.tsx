import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, Badge, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { ApiError } from '../../api/error';
import { ROLES, type Role, type User } from '../../api/types';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { placeFormError } from '../../components/formError';
import { HiddenUsername } from '../../components/HiddenUsername';
import { roleColor } from '../../components/roles';
import { fetchGroups, fetchUsers, GROUPS_KEY, USERS_KEY } from './queries';

export function UsersPage() {
  const { t, dateTime, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const users = useQuery({ queryKey: USERS_KEY, queryFn: fetchUsers });
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<{ mode: 'create' } | { mode: 'edit'; user: User } | null>(null);

  const remove = async (u: User) => {
    try {
      await api.call(api.client.DELETE('/api/users/{name}', { params: { path: { name: u.name }, query: { revision: u.revision } } }));
      void message.success(t('common.deleted'));
    } catch (err) {
      void message.error(errorText(err));
    }
    await queryClient.invalidateQueries({ queryKey: USERS_KEY });
    await queryClient.invalidateQueries({ queryKey: GROUPS_KEY });
  };

  const columns: ColumnsType<User> = [
    {
      title: t('users.name'),
      dataIndex: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (name: string) => (
        <Space size={6}>
          <Typography.Text strong>{name}</Typography.Text>
          {name === me.data?.user.name && <Tag variant="filled">{t('common.you')}</Tag>}
        </Space>
      ),
    },
    { title: t('users.displayName'), dataIndex: 'displayName', render: (v: string) => v || <Typography.Text type="secondary">—</Typography.Text> },
    {
      title: t('users.role'),
      dataIndex: 'role',
      filters: ROLES.map((r) => ({ text: t(`role.${r}`), value: r })),
      onFilter: (value, u) => u.role === value,
      render: (role: Role) => <Tag color={roleColor[role]}>{t(`role.${role}`)}</Tag>,
    },
    {
      title: t('users.groups'),
      dataIndex: 'groups',
      render: (groups: string[]) =>
        groups.length ? groups.map((g) => <Tag key={g}>{g}</Tag>) : <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('users.state'),
      dataIndex: 'disabled',
      render: (disabled: boolean) =>
        disabled ? <Badge status="default" text={t('users.disabled')} /> : <Badge status="success" text={t('users.enabled')} />,
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v), className: 'nowrap' },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => dateTime(v), className: 'nowrap' },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, u) => {
        const self = u.name === me.data?.user.name;
        return (
          <Space size={0}>
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setDialog({ mode: 'edit', user: u })}>
              {t('common.edit')}
            </Button>
            <Popconfirm
              title={t('users.deleteConfirm', { name: u.name })}
              description={t('users.deleteDesc')}
              okText={t('common.delete')}
              okButtonProps={{ danger: true }}
              cancelText={t('common.cancel')}
              onConfirm={() => remove(u)}
              disabled={self}
            >
              <Tooltip title={self ? t('error.user.self_delete') : undefined}>
                <Button type="link" size="small" danger icon={<DeleteOutlined />} disabled={self}>
                  {t('common.delete')}
                </Button>
              </Tooltip>
            </Popconfirm>
          </Space>
        );
      },
    },
  ];

  const q = filter.trim().toLowerCase();
  const rows = (users.data ?? []).filter(
    (u) => !q || u.name.includes(q) || u.displayName.toLowerCase().includes(q) || u.groups.some((g) => g.includes(q)),
  );

  return (
    <>
      <PageHeader
        path={[t('nav.system'), t('nav.users')]}
        title={t('users.title')}
        subtitle={t('users.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ mode: 'create' })} data-testid="user-new">
            {t('users.new')}
          </Button>
        }
      />
      <Card>
        <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
        <Space style={{ marginBottom: 12 }}>
          <Input.Search allowClear placeholder={`${t('users.name')} / ${t('users.displayName')} / ${t('users.groups')}`} onChange={(e) => setFilter(e.target.value)} style={{ width: 320 }} />
          <Button icon={<ReloadOutlined />} onClick={() => void users.refetch()} loading={users.isFetching}>
            {t('common.refresh')}
          </Button>
        </Space>
        <Table<User>
          size="small"
          rowKey="name"
          columns={columns}
          dataSource={rows}
          loading={users.isPending}
          scroll={{ x: 'max-content' }}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.total', { count: n }) }}
          data-testid="users-table"
        />
      </Card>
      <UserDialog state={dialog} onClose={() => setDialog(null)} />
    </>
  );
}

interface UserValues {
  name: string;
  displayName?: string;
  role: Role;
  groups: string[];
  password?: string;
  disabled?: boolean;
}

const FIELDS = ['name', 'displayName', 'role', 'groups', 'password', 'disabled'] as const;

function UserDialog({ state, onClose }: { state: { mode: 'create' } | { mode: 'edit'; user: User } | null; onClose: () => void }) {
  const { t, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<UserValues>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  // The revision the edit is based on; replaced when the user reloads after a conflict.
  const [base, setBase] = useState<User | undefined>();
  const groups = useQuery({ queryKey: GROUPS_KEY, queryFn: fetchGroups, enabled: state !== null });
  const editing = state?.mode === 'edit' ? (base ?? state.user) : undefined;
  const stale = error instanceof ApiError && error.reason === 'revision.stale';

  const fill = (u: User) => {
    form.resetFields();
    form.setFieldsValue({ displayName: u.displayName, role: u.role, groups: u.groups, disabled: u.disabled, password: '' });
  };

  useEffect(() => {
    if (!state) return;
    setBase(undefined);
    setError(undefined);
    if (state.mode === 'edit') {
      fill(state.user);
    } else {
      form.resetFields();
      form.setFieldsValue({ role: 'operator', groups: [] });
    }
    // Fill only when a dialog opens (state changes), not on every render.
  }, [state]);

  const reload = async () => {
    if (!editing) return;
    try {
      const fresh = await api.call(api.client.GET('/api/users/{name}', { params: { path: { name: editing.name } } }));
      setBase(fresh);
      fill(fresh);
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: USERS_KEY });
    } catch (err) {
      setError(err);
    }
  };

  const submit = async (v: UserValues) => {
    setSaving(true);
    setError(undefined);
    try {
      if (editing) {
        await api.call(
          api.client.PATCH('/api/users/{name}', {
            params: { path: { name: editing.name } },
            body: {
              revision: editing.revision,
              displayName: v.displayName ?? '',
              role: v.role,
              groups: v.groups ?? [],
              disabled: !!v.disabled,
              ...(v.password ? { password: v.password } : {}),
            },
          }),
        );
        void message.success(t('common.saved'));
      } else {
        const u = await api.call(
          api.client.POST('/api/users', {
            body: { name: v.name.trim(), displayName: v.displayName ?? '', role: v.role, groups: v.groups ?? [], password: v.password ?? '' },
          }),
        );
        void message.success(t('users.created', { name: u.name }));
      }
      await queryClient.invalidateQueries({ queryKey: USERS_KEY });
      await queryClient.invalidateQueries({ queryKey: GROUPS_KEY });
      onClose();
    } catch (err) {
      setError(placeFormError(form, FIELDS, err, errorText));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={state !== null}
      title={editing ? t('users.editTitle', { name: editing.name }) : t('users.createTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ disabled: stale }}
      onOk={() => form.submit()}
      onCancel={onClose}
      forceRender
      width={520}
    >
      <ErrorAlert error={error} onRetry={stale ? () => void reload() : undefined} />
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={editing ? false : 'optional'} data-testid="user-form">
        {!editing && (
          <Form.Item
            name="name"
            label={t('users.name')}
            extra={t('users.nameHelp')}
            rules={[{ required: true, whitespace: true, message: t('error.name.required') }]}
          >
            <Input autoComplete="off" data-testid="user-name" />
          </Form.Item>
        )}
        <Form.Item name="displayName" label={t('users.displayName')} rules={[{ max: 200, message: t('error.displayName.length') }]}>
          <Input autoComplete="off" data-testid="user-display-name" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} extra={t('users.roleHelp')} rules={[{ required: true, message: t('error.role.invalid') }]}>
          <Select data-testid="user-role" options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
        </Form.Item>
        <Form.Item name="groups" label={t('users.groups')}>
          <Select
            mode="multiple"
            allowClear
            data-testid="user-groups"
            placeholder={t('users.groupsPlaceholder')}
            loading={groups.isPending}
            options={(groups.data ?? []).map((g) => ({ value: g.name, label: g.name }))}
          />
        </Form.Item>
        {editing ? (
          <>
            <HiddenUsername name={editing.name} />
            <Form.Item name="password" label={t('users.newPassword')} extra={t('users.newPasswordHelp')}>
              <Input.Password autoComplete="new-password" />
            </Form.Item>
            <Form.Item name="disabled" label={t('users.disable')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </>
        ) : (
          <Form.Item
            name="password"
            label={t('users.password')}
            extra={t('users.passwordHelp')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <Input.Password autoComplete="new-password" data-testid="user-password" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
