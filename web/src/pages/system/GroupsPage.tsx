import { useQuery } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, Input, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { Group } from '../../api/types';
import { isAdmin, useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal, NameField, useFormModal } from '../../components/FormModal';
import { PageHeader } from '../../components/PageHeader';
import { useAction } from '../../components/useAction';
import { fetchGroups, GROUPS_KEY, USERS_KEY } from './queries';

export function GroupsPage() {
  const { t, dateTime } = useI18n();
  const me = useMe();
  const admin = isAdmin(me.data);
  const groups = useQuery({ queryKey: GROUPS_KEY, queryFn: fetchGroups });
  const dialog = useGroupDialog();
  const remove = useAction({
    action: (g: Group) => api.call(api.client.DELETE('/api/groups/{name}', { params: { path: { name: g.name }, query: { revision: g.revision } } })),
    done: () => t('common.deleted'),
    invalidates: [GROUPS_KEY, USERS_KEY],
  });

  const columns: ColumnsType<Group> = [
    {
      title: t('groups.name'),
      dataIndex: 'name',
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (name: string) => <Typography.Text strong>{name}</Typography.Text>,
    },
    {
      title: t('groups.description'),
      dataIndex: 'description',
      render: (v: string) => v || <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('groups.members'),
      dataIndex: 'members',
      render: (members: string[]) =>
        members.length ? (
          members.map((m) => (
            <Tag key={m} color="blue" variant="outlined">
              {m}
            </Tag>
          ))
        ) : (
          <Typography.Text type="secondary">{t('groups.noMembers')}</Typography.Text>
        ),
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v), className: 'nowrap' },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => dateTime(v), className: 'nowrap' },
  ];
  if (admin) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, g) => (
        <Space size={0}>
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => dialog.open(g)}>
            {t('common.edit')}
          </Button>
          <ConfirmButton
            title={t('groups.deleteConfirm', { name: g.name })}
            description={t('groups.deleteDesc')}
            okText={t('common.delete')}
            icon={<DeleteOutlined />}
            onConfirm={() => remove.run(g)}
          >
            {t('common.delete')}
          </ConfirmButton>
        </Space>
      ),
    });
  }

  return (
    <>
      <PageHeader
        path={[t('nav.system'), t('nav.groups')]}
        title={t('groups.title')}
        subtitle={t('groups.subtitle')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={() => void groups.refetch()} loading={groups.isFetching}>
              {t('common.refresh')}
            </Button>
            {admin && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => dialog.open()} data-testid="group-new">
                {t('groups.new')}
              </Button>
            )}
          </>
        }
      />
      <Card>
        {!admin && <Alert type="info" showIcon title={t('groups.readOnly')} style={{ marginBottom: 12 }} />}
        <ErrorAlert error={groups.error} onRetry={() => void groups.refetch()} />
        <Table<Group>
          size="small"
          rowKey="name"
          columns={columns}
          dataSource={groups.data ?? []}
          loading={groups.isPending}
          scroll={{ x: 'max-content' }}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.total', { count: n }) }}
          data-testid="groups-table"
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('groups.membersHelp')}
        </Typography.Text>
      </Card>
      <GroupDialog modal={dialog} />
    </>
  );
}

interface GroupValues {
  name: string;
  description?: string;
}

/** Creating a group (no target) or editing one. */
function useGroupDialog() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  return useFormModal<GroupValues, Group, Group>({
    fields: ['name', 'description'],
    valuesOf: (g) => (g ? { description: g.description } : {}),
    submit: (v, g) =>
      g
        ? api.call(api.client.PATCH('/api/groups/{name}', { params: { path: { name: g.name } }, body: { revision: g.revision, description: v.description ?? '' } }))
        : api.call(api.client.POST('/api/groups', { body: { name: v.name.trim(), description: v.description ?? '' } })),
    onSaved: (saved, _v, g) => void message.success(g ? t('common.saved') : t('groups.created', { name: saved.name })),
    invalidates: [GROUPS_KEY],
    reload: (g) => api.call(api.client.GET('/api/groups/{name}', { params: { path: { name: g.name } } })),
  });
}

function GroupDialog({ modal }: { modal: ReturnType<typeof useGroupDialog> }) {
  const { t } = useI18n();
  const editing = modal.target;
  return (
    <FormModal
      modal={modal}
      title={editing ? t('groups.editTitle', { name: editing.name }) : t('groups.createTitle')}
      okText={editing ? t('common.save') : t('common.create')}
      requiredMark="optional"
      testId="group-form"
    >
      {!editing && <NameField label={t('groups.name')} extra={t('groups.nameHelp')} testId="group-name" />}
      <Form.Item name="description" label={t('groups.description')} rules={[{ max: 1000, message: t('error.description.length') }]}>
        <Input.TextArea rows={3} showCount maxLength={1000} data-testid="group-description" />
      </Form.Item>
    </FormModal>
  );
}
