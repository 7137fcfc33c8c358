import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Badge, Button, Card, Flex, Form, Input, Modal, Radio, Space, Switch, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { CopyOutlined, PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import type { IssuedToken, Token } from '../../api/types';
import { isAdmin, useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/messages';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { FormModal, useFormModal } from '../../components/FormModal';
import { PageHeader } from '../../components/PageHeader';
import { copyText } from '../../components/clipboard';
import { useAction } from '../../components/useAction';
import { TOKENS_KEY } from './queries';

/** The expiry choices, as Go durations the API takes in expiresIn ('' = never). */
const EXPIRIES: { value: string; label: MessageKey }[] = [
  { value: '', label: 'tokens.expires.never' },
  { value: '720h', label: 'tokens.expires.30d' },
  { value: '2160h', label: 'tokens.expires.90d' },
  { value: '8760h', label: 'tokens.expires.1y' },
];

type TokenState = 'active' | 'revoked' | 'expired';

function tokenState(tok: Token, now: number): TokenState {
  if (tok.revokedAt) return 'revoked';
  if (tok.expiresAt && new Date(tok.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}

const stateBadge: Record<TokenState, 'success' | 'default' | 'warning'> = { active: 'success', revoked: 'default', expired: 'warning' };

export function TokensPage() {
  const { t, dateTime } = useI18n();
  const queryClient = useQueryClient();
  const me = useMe();
  const admin = isAdmin(me.data);
  const [all, setAll] = useState(false);
  const showAll = admin && all;
  const tokens = useQuery({
    queryKey: [...TOKENS_KEY, { all: showAll }],
    queryFn: () => api.call(api.client.GET('/api/tokens', { params: { query: showAll ? { all: true } : {} } })),
  });
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const create = useTokenDialog(setIssued);
  const now = Date.now();
  const revoke = useAction({
    action: (tok: Token) => api.call(api.client.DELETE('/api/tokens/{id}', { params: { path: { id: tok.id } } })),
    done: (tok) => t('tokens.revokedMsg', { name: tok.name }),
    invalidates: [TOKENS_KEY],
  });

  const columns: ColumnsType<Token> = [
    { title: t('tokens.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
    { title: t('tokens.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
    ...(showAll ? [{ title: t('tokens.user'), dataIndex: 'userName' } as const] : []),
    {
      title: t('tokens.state'),
      key: 'state',
      render: (_, tok) => {
        const s = tokenState(tok, now);
        return <Badge status={stateBadge[s]} text={t(`tokens.${s}`)} />;
      },
    },
    { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v), className: 'nowrap' },
    {
      title: t('tokens.expiresAt'),
      dataIndex: 'expiresAt',
      className: 'nowrap',
      render: (v?: string | null) => (v ? dateTime(v) : <Typography.Text type="secondary">{t('common.never')}</Typography.Text>),
    },
    {
      title: t('tokens.lastUsedAt'),
      dataIndex: 'lastUsedAt',
      className: 'nowrap',
      render: (v?: string | null) => (v ? dateTime(v) : <Typography.Text type="secondary">{t('tokens.neverUsed')}</Typography.Text>),
    },
    {
      title: t('tokens.revokedAt'),
      dataIndex: 'revokedAt',
      className: 'nowrap',
      render: (v?: string | null) => (v ? dateTime(v) : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_, tok) =>
        tok.revokedAt ? null : (
          <ConfirmButton
            title={t('tokens.revokeConfirm', { name: tok.name })}
            description={t('tokens.revokeDesc')}
            okText={t('tokens.revoke')}
            icon={<StopOutlined />}
            onConfirm={() => revoke.run(tok)}
          >
            {t('tokens.revoke')}
          </ConfirmButton>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        path={[t('nav.system'), t('nav.tokens')]}
        title={t('tokens.title')}
        subtitle={t('tokens.subtitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => create.open()} data-testid="token-new">
            {t('tokens.new')}
          </Button>
        }
      />
      <Card>
        <ErrorAlert error={tokens.error} onRetry={() => void tokens.refetch()} />
        <Flex gap={16} align="center" style={{ marginBottom: 12 }}>
          <Button icon={<ReloadOutlined />} onClick={() => void tokens.refetch()} loading={tokens.isFetching}>
            {t('common.refresh')}
          </Button>
          {admin && (
            <Space>
              <Switch checked={all} onChange={setAll} data-testid="tokens-all" />
              <span>{t('tokens.showAll')}</span>
            </Space>
          )}
        </Flex>
        <Table<Token>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={tokens.data ?? []}
          loading={tokens.isPending}
          scroll={{ x: 'max-content' }}
          rowClassName={(tok) => (tokenState(tok, now) === 'active' ? '' : 'row-inactive')}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.total', { count: n }) }}
          data-testid="tokens-table"
        />
      </Card>
      <CreateTokenDialog modal={create} />
      <SecretDialog
        issued={issued}
        onClose={() => {
          setIssued(null);
          // The token may have been tried out while the dialog was open: show its last use.
          void queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
        }}
      />
    </>
  );
}

interface TokenValues {
  name: string;
  expiresIn: string;
}

const FIELDS = ['name', 'expiresIn'] as const;

/** Creating a token; the secret it issues goes to onIssued (the once-only dialog). */
function useTokenDialog(onIssued: (it: IssuedToken) => void) {
  return useFormModal<TokenValues, never, IssuedToken>({
    fields: FIELDS,
    submit: (v) => api.call(api.client.POST('/api/tokens', { body: { name: v.name.trim(), ...(v.expiresIn ? { expiresIn: v.expiresIn } : {}) } })),
    onSaved: (it) => onIssued(it),
    invalidates: [TOKENS_KEY],
  });
}

function CreateTokenDialog({ modal }: { modal: ReturnType<typeof useTokenDialog> }) {
  const { t } = useI18n();
  return (
    <FormModal modal={modal} title={t('tokens.createTitle')} okText={t('common.create')} width={480} initialValues={{ expiresIn: '2160h' }} requiredMark="optional" testId="token-form">
      <Form.Item
        name="name"
        label={t('tokens.name')}
        extra={t('tokens.nameHelp')}
        rules={[
          { required: true, whitespace: true, message: t('tokens.nameRequired') },
          { max: 100, message: t('error.token.name') },
        ]}
      >
        <Input autoComplete="off" data-testid="token-name" />
      </Form.Item>
      <Form.Item name="expiresIn" label={t('tokens.expiresIn')}>
        <Radio.Group optionType="button" buttonStyle="solid" options={EXPIRIES.map((e) => ({ value: e.value, label: t(e.label) }))} />
      </Form.Item>
    </FormModal>
  );
}

/** Shows a new token's secret, once. Closing it forgets the secret. */
function SecretDialog({ issued, onClose }: { issued: IssuedToken | null; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const copy = async () => {
    if (!issued) return;
    try {
      await copyText(issued.secret);
      void message.success(t('tokens.copied'));
    } catch {
      void message.warning(t('tokens.copyFailed'));
    }
  };
  return (
    <Modal
      open={issued !== null}
      title={issued ? t('tokens.secretTitle', { name: issued.token.name }) : ''}
      closable={false}
      mask={{ closable: false }}
      keyboard={false}
      onCancel={onClose}
      footer={
        <Button type="primary" onClick={onClose} data-testid="token-secret-done">
          {t('tokens.done')}
        </Button>
      }
      width={560}
      destroyOnHidden
    >
      {issued && (
        <div data-testid="token-secret-dialog">
          <Alert type="warning" showIcon title={t('tokens.secretWarning')} style={{ marginBottom: 16 }} />
          <Typography.Text type="secondary">{t('tokens.secretLabel')}</Typography.Text>
          <Space.Compact style={{ width: '100%', marginTop: 4 }}>
            <Input readOnly value={issued.secret} className="secret-input" data-testid="token-secret" onFocus={(e) => e.target.select()} />
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="token-copy">
              {t('tokens.copy')}
            </Button>
          </Space.Compact>
        </div>
      )}
    </Modal>
  );
}
