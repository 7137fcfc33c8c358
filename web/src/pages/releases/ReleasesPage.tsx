// 发布列表: the release table with its toolbar (新建发布, 打开发布, 删除发布),
// a group filter and a search. Seed 003, 表格元素 and 工具栏元素. The server
// filters and pages (/api/release-table): a page is 20 rows whether there
// are 20 releases or 10,000.
import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App as AntApp, Button, Card, Flex, Input, Popconfirm, Select, Table, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { DeleteOutlined, FolderOpenOutlined, LockOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { api } from '../../api/client';
import { RELEASE_STATES, RELEASE_TYPES, type Release, type ReleaseView } from '../../api/types';
import { useMe } from '../../auth/session';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { useAction } from '../../components/useAction';
import { mayCreateReleases, refusal } from './access';
import { StateTag, TypeTag } from './parts';
import { fetchRegistryGroups, fetchReleaseTable, REGISTRY_GROUPS_KEY, RELEASES_KEY, releaseKey, releaseTableKey, type ReleaseTableQuery } from './queries';

const PAGE_SIZE = 20;

export function ReleasesPage() {
  const { t, dateTime, errorText } = useI18n();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const me = useMe();
  const [group, setGroup] = useState<string | undefined>();
  const [selected, setSelected] = useState<string | undefined>();
  const [page, setPage] = useState({ current: 1, pageSize: PAGE_SIZE });
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState<{ types: string[]; states: string[] }>({ types: [], states: [] });
  const query: ReleaseTableQuery = {
    group,
    types: filters.types,
    states: filters.states,
    q: search.trim(),
    offset: (page.current - 1) * page.pageSize,
    limit: page.pageSize,
  };
  // The last page stays on screen while the next loads (no flash of an empty table).
  const releases = useQuery({ queryKey: releaseTableKey(query), queryFn: () => fetchReleaseTable(query), placeholderData: keepPreviousData });
  const registryGroups = useQuery({ queryKey: REGISTRY_GROUPS_KEY, queryFn: fetchRegistryGroups });
  const rows = useMemo(() => releases.data?.items ?? [], [releases.data]);
  const total = releases.data?.total ?? 0;
  // Any new filter starts again at page 1 with nothing selected.
  const refilter = () => {
    setSelected(undefined);
    setPage((p) => ({ ...p, current: 1 }));
  };
  // A delete (or a change elsewhere) can leave the page past the end: go to the last page there is.
  const lastPage = Math.max(1, Math.ceil(total / page.pageSize));
  if (releases.data && !releases.isPlaceholderData && page.current > lastPage) setPage((p) => ({ ...p, current: lastPage }));
  const current = rows.find((r) => r.name === selected);

  // Each row of the list carries its lock (never on an ended release: the server drops it).
  const holders = new Map(rows.map((r) => [r.name, r.lock]));

  const groupOptions = useMemo(() => {
    const names = new Set([...(registryGroups.data ?? []), ...rows.map((r) => r.group)]);
    return [...names].sort().map((g) => ({ value: g, label: g }));
  }, [registryGroups.data, rows]);

  const open = (name: string | undefined) => {
    if (name) navigate(`/releases/${encodeURIComponent(name)}`);
    else void message.info(t('releases.selectFirst'));
  };

  const remove = useAction({
    action: (r: Release) => api.call(api.client.DELETE('/api/releases/{name}', { params: { path: { name: r.name }, query: { revision: r.revision } } })),
    done: (r) => t('releases.deleted', { name: r.name }),
    onSuccess: () => setSelected(undefined),
    // The list first: its rows stop asking for the deleted release, then its cache entry goes.
    invalidates: [RELEASES_KEY],
    onSettled: (r) => queryClient.removeQueries({ queryKey: releaseKey(r.name) }),
  });

  const columns: ColumnsType<ReleaseView> = [
    {
      title: t('release.name'),
      dataIndex: 'name',
      render: (name: string, r) => (
        <Flex vertical>
          <Typography.Link strong onClick={() => open(name)}>
            {name}
          </Typography.Link>
          {r.description && (
            <Typography.Text type="secondary" ellipsis={{ tooltip: r.description }} style={{ maxWidth: 140, fontSize: 12 }}>
              {r.description}
            </Typography.Text>
          )}
        </Flex>
      ),
    },
    {
      title: t('release.type'),
      dataIndex: 'type',
      width: 96,
      filters: RELEASE_TYPES.map((x) => ({ text: t(`release.type.${x}`), value: x })),
      filteredValue: filters.types,
      render: (_, r) => <TypeTag type={r.type} />,
    },
    {
      title: t('release.state'),
      dataIndex: 'state',
      width: 96,
      filters: RELEASE_STATES.map((x) => ({ text: t(`release.state.${x || 'NEW'}`), value: x || 'NEW' })),
      filteredValue: filters.states,
      render: (_, r) => <StateTag state={r.state} />,
    },
    { title: t('release.subscription'), dataIndex: 'subscription', render: (_, r) => t(`release.subscription.${r.subscription}`) },
    { title: t('release.group'), dataIndex: 'group' },
    { title: t('release.app'), dataIndex: 'app', render: (v: string) => v || <Typography.Text type="secondary">—</Typography.Text> },
    { title: t('release.createdAt'), dataIndex: 'createdAt', render: (v: string) => <When text={dateTime(v)} /> },
    { title: t('release.createdBy'), dataIndex: 'createdBy', render: (_, r) => <Person name={r.createdBy} shown={r.createdByName} /> },
    { title: t('release.executedAt'), dataIndex: 'executedAt', render: (v?: string | null) => (v ? <When text={dateTime(v)} /> : <Typography.Text type="secondary">—</Typography.Text>) },
    {
      title: t('release.executedBy'),
      dataIndex: 'executedBy',
      render: (_, r) => (r.executedBy ? <Person name={r.executedBy} shown={r.executedByName} /> : <Typography.Text type="secondary">—</Typography.Text>),
    },
    {
      title: t('release.lockHolder'),
      key: 'lock',
      className: 'nowrap',
      render: (_, r) => {
        const lock = holders.get(r.name);
        return lock ? (
          <Typography.Text data-testid="release-lock-holder">
            <LockOutlined style={{ color: '#fa8c16', marginInlineEnd: 4 }} />
            <Person name={lock.holder} shown={lock.holderName} />
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        );
      },
    },
  ];

  const canCreate = mayCreateReleases(me.data);
  const canDelete = !!current?.mayDelete;
  const cannotDelete = current && refusal(current, 'delete');
  const deleteTip = !current ? t('releases.selectFirst') : cannotDelete ? errorText(cannotDelete) : undefined;

  return (
    <>
      <PageHeader
        path={[t('app.name'), t('releases.title')]}
        title={t('releases.list')}
        subtitle={t('releases.subtitle')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={() => void releases.refetch()} loading={releases.isFetching} data-testid="releases-refresh">
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        {!canCreate && <Alert type="info" showIcon title={t('releases.readOnly')} style={{ marginBottom: 12 }} />}
        <Flex gap={8} wrap className="filter-bar" align="center">
          {canCreate && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/releases/new')} data-testid="release-new">
              {t('releases.new')}
            </Button>
          )}
          <Tooltip title={current ? undefined : t('releases.selectFirst')}>
            <Button icon={<FolderOpenOutlined />} disabled={!current} onClick={() => open(selected)} data-testid="release-open">
              {t('releases.open')}
            </Button>
          </Tooltip>
          {canCreate && (
            <Popconfirm
              title={t('releases.deleteConfirm', { name: current?.name ?? '' })}
              description={t('releases.deleteDesc')}
              okText={t('common.delete')}
              okButtonProps={{ danger: true, 'data-testid': 'release-delete-confirm' }}
              cancelText={t('common.cancel')}
              disabled={!canDelete}
              onConfirm={() => current && remove.run(current)}
            >
              <Tooltip title={deleteTip}>
                <Button danger icon={<DeleteOutlined />} disabled={!canDelete} data-testid="release-delete">
                  {t('releases.delete')}
                </Button>
              </Tooltip>
            </Popconfirm>
          )}
          <Select
            allowClear
            showSearch
            placeholder={t('releases.filterGroup')}
            value={group}
            onChange={(g?: string) => {
              setGroup(g);
              refilter();
            }}
            options={groupOptions}
            style={{ width: 240, marginInlineStart: 'auto' }}
            data-testid="releases-group-filter"
          />
          <Input.Search
            allowClear
            placeholder={t('releases.search')}
            defaultValue={search}
            onSearch={(v) => {
              setSearch(v);
              refilter();
            }}
            maxLength={200}
            style={{ width: 240 }}
            data-testid="releases-search"
          />
        </Flex>
        <ErrorAlert error={releases.error} onRetry={() => void releases.refetch()} />
        <Table<ReleaseView>
          size="small"
          rowKey="name"
          columns={columns}
          dataSource={rows}
          loading={releases.isPending || releases.isPlaceholderData}
          // Long names wrap (after their hyphens) so every column fits; narrow windows scroll.
          scroll={{ x: 1000 }}
          rowSelection={{
            type: 'radio',
            selectedRowKeys: selected ? [selected] : [],
            onChange: (keys) => setSelected(keys[0] as string | undefined),
          }}
          onRow={(r) => ({
            onClick: () => setSelected(r.name),
            onDoubleClick: () => open(r.name),
          })}
          locale={{ emptyText: query.q || query.group || query.types?.length || query.states?.length ? t('releases.noMatch') : t('releases.empty') }}
          pagination={{
            ...page,
            total,
            showSizeChanger: true,
            showTotal: (n) => t('common.total', { count: n }),
          }}
          onChange={(p, f) => {
            const next = { types: (f.type ?? []).map(String), states: (f.state ?? []).map(String) };
            const changed = next.types.join() !== filters.types.join() || next.states.join() !== filters.states.join();
            setFilters(next);
            if (changed) refilter();
            else setPage({ current: p.current ?? 1, pageSize: p.pageSize ?? PAGE_SIZE });
          }}
          className="releases-table"
          data-testid="releases-table"
        />
        <Flex vertical gap={4}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('releases.openHint')}
          </Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="releases-departures">
            {t('releases.departures')}
          </Typography.Text>
        </Flex>
      </Card>
    </>
  );
}

/** A person by display name (张三), the user name on hover; a name without a display name (a workflow) as it is. */
function Person({ name, shown }: { name: string; shown?: string }) {
  if (!shown || shown === name) return <span>{name}</span>;
  return (
    <Tooltip title={name}>
      <span data-user={name}>{shown}</span>
    </Tooltip>
  );
}

/** A date and time on two lines (the date, then the time), so the table's time columns stay narrow. */
function When({ text }: { text: string }) {
  const at = text.lastIndexOf(' ');
  if (at < 0) return <span className="nowrap">{text}</span>;
  return (
    <Flex vertical className="nowrap">
      <span>{text.slice(0, at).replace(/,$/, '')}</span>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {text.slice(at + 1)}
      </Typography.Text>
    </Flex>
  );
}
