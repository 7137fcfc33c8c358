import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, EditOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { ApiError } from '../../api/error';
import type { Group } from '../../api/types';
import { isAdmin, useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { placeFormError } from '../../components/formError';
import { fetchGroups, GROUPS_KEY, USERS_KEY } from './queries';

type DialogState = { mode: 'create' } | { mode: 'edit'; group: Group } | null;

export function GroupsPage() {
  const { t, dateTime, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const me = useMe();
  const admin = isAdmin(me.data);
  const groups = useQuery({ queryKey: GROUPS_KEY, queryFn: fetchGroups });
  const [dialog, setDialog] = useState<DialogState>(null);

  const remove = async (g: Group) => {
    try {
      await api.call(api.client.DELETE('/api/groups/{name}', { params: { path: { name: g.name }, query: { revision: g.revision } } }));
      void message.success(t('common.deleted'));
    } catch (err) {
      void message.error(errorText(err));
    }
    await queryClient.invalidateQueries({ queryKey: GROUPS_KEY });
    await queryClient.invalidateQueries({ queryKey: USERS_KEY });
  };

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
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setDialog({ mode: 'edit', group: g })}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('groups.deleteConfirm', { name: g.name })}
            description={t('groups.deleteDesc')}
            okText={t('common.delete')}
            okButtonProps={{ danger: true }}
            cancelText={t('common.cancel')}
            onConfirm={() => remove(g)}
          >
            <Button type="link" size="small" danger icon={<DeleteOutlined />}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
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
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setDialog({ mode: 'create' })} data-testid="group-new">
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
      <GroupDialog state={dialog} onClose={() => setDialog(null)} />
    </>
  );
}

interface GroupValues {
  name: string;
  description?: string;
}

const FIELDS = ['name', 'description'] as const;

function GroupDialog({ state, onClose }: { state: DialogState; onClose: () => void }) {
  const { t, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<GroupValues>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [base, setBase] = useState<Group | undefined>();
  const editing = state?.mode === 'edit' ? (base ?? state.group) : undefined;
  const stale = error instanceof ApiError && error.reason === 'revision.stale';

  useEffect(() => {
    if (!state) return;
    setBase(undefined);
    setError(undefined);
    form.resetFields();
    if (state.mode === 'edit') {
      form.setFieldsValue({ description: state.group.description });
    }
    // Fill only when a dialog opens (state changes), not on every render.
  }, [state, form]);

  const reload = async () => {
    if (!editing) return;
    try {
      const fresh = await api.call(api.client.GET('/api/groups/{name}', { params: { path: { name: editing.name } } }));
      setBase(fresh);
      form.setFieldsValue({ description: fresh.description });
      setError(undefined);
      void queryClient.invalidateQueries({ queryKey: GROUPS_KEY });
    } catch (err) {
      setError(err);
    }
  };

  const submit = async (v: GroupValues) => {
    setSaving(true);
    setError(undefined);
    try {
      if (editing) {
        await api.call(
          api.client.PATCH('/api/groups/{name}', {
            params: { path: { name: editing.name } },
            body: { revision: editing.revision, description: v.description ?? '' },
          }),
        );
        void message.success(t('common.saved'));
      } else {
        const g = await api.call(api.client.POST('/api/groups', { body: { name: v.name.trim(), description: v.description ?? '' } }));
        void message.success(t('groups.created', { name: g.name }));
      }
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
      title={editing ? t('groups.editTitle', { name: editing.name }) : t('groups.createTitle')}
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
      <Form form={form} layout="vertical" onFinish={submit} requiredMark="optional" data-testid="group-form">
        {!editing && (
          <Form.Item
            name="name"
            label={t('groups.name')}
            extra={t('groups.nameHelp')}
            rules={[{ required: true, whitespace: true, message: t('error.name.required') }]}
          >
            <Input autoComplete="off" data-testid="group-name" />
          </Form.Item>
        )}
        <Form.Item name="description" label={t('groups.description')} rules={[{ max: 1000, message: t('error.description.length') }]}>
          <Input.TextArea rows={3} showCount maxLength={1000} data-testid="group-description" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
