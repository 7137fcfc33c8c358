import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { App as AntApp, Badge, Button, Card, Form, Input, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { ROLES, type Role, type User } from '../../api/types';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal, NameField, useFormModal } from '../../components/FormModal';
import { PageHeader } from '../../components/PageHeader';
import { HiddenUsername } from '../../components/HiddenUsername';
import { roleColor } from '../../components/roles';
import { useAction } from '../../components/useAction';
import { fetchGroups, fetchUsers, GROUPS_KEY, USERS_KEY } from './queries';

export function UsersPage() {
  const { t, dateTime } = useI18n();
  const me = useMe();
  const users = useQuery({ queryKey: USERS_KEY, queryFn: fetchUsers });
  const [filter, setFilter] = useState('');
  const dialog = useUserDialog();
  const remove = useAction({
    action: (u: User) => api.call(api.client.DELETE('/api/users/{name}', { params: { path: { name: u.name }, query: { revision: u.revision } } })),
    done: () => t('common.deleted'),
    invalidates: [USERS_KEY, GROUPS_KEY],
  });

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
            <Button type="link" size="small" icon={<EditOutlined />} onClick={() => dialog.open(u)}>
              {t('common.edit')}
            </Button>
            <ConfirmButton
              title={t('users.deleteConfirm', { name: u.name })}
              description={t('users.deleteDesc')}
              okText={t('common.delete')}
              icon={<DeleteOutlined />}
              onConfirm={() => remove.run(u)}
              disabled={self}
              tooltip={self ? t('error.user.self_delete') : undefined}
            >
              {t('common.delete')}
            </ConfirmButton>
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
          <Button type="primary" icon={<PlusOutlined />} onClick={() => dialog.open()} data-testid="user-new">
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
      <UserDialog modal={dialog} />
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

/** Creating a user (no target) or editing one. */
function useUserDialog() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  return useFormModal<UserValues, User, User>({
    fields: ['name', 'displayName', 'role', 'groups', 'password', 'disabled'],
    valuesOf: (u) =>
      u ? { displayName: u.displayName, role: u.role, groups: u.groups, disabled: u.disabled, password: '' } : { role: 'operator', groups: [] },
    submit: (v, u) =>
      u
        ? api.call(
            api.client.PATCH('/api/users/{name}', {
              params: { path: { name: u.name } },
              body: {
                revision: u.revision,
                displayName: v.displayName ?? '',
                role: v.role,
                groups: v.groups ?? [],
                disabled: !!v.disabled,
                ...(v.password ? { password: v.password } : {}),
              },
            }),
          )
        : api.call(
            api.client.POST('/api/users', {
              body: { name: v.name.trim(), displayName: v.displayName ?? '', role: v.role, groups: v.groups ?? [], password: v.password ?? '' },
            }),
          ),
    onSaved: (saved, _v, u) => void message.success(u ? t('common.saved') : t('users.created', { name: saved.name })),
    invalidates: [USERS_KEY, GROUPS_KEY],
    reload: (u) => api.call(api.client.GET('/api/users/{name}', { params: { path: { name: u.name } } })),
  });
}

function UserDialog({ modal }: { modal: ReturnType<typeof useUserDialog> }) {
  const { t } = useI18n();
  const groups = useQuery({ queryKey: GROUPS_KEY, queryFn: fetchGroups, enabled: modal.isOpen });
  const editing = modal.target;
  return (
    <FormModal
      modal={modal}
      title={editing ? t('users.editTitle', { name: editing.name }) : t('users.createTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      requiredMark={editing ? false : 'optional'}
      testId="user-form"
    >
      {!editing && <NameField label={t('users.name')} extra={t('users.nameHelp')} testId="user-name" />}
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
        <Form.Item name="password" label={t('users.password')} extra={t('users.passwordHelp')} rules={[{ required: true, message: t('common.required') }]}>
          <Input.Password autoComplete="new-password" data-testid="user-password" />
        </Form.Item>
      )}
    </FormModal>
  );
}
