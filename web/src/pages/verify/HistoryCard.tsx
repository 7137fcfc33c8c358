// Past runs of the key, newest first; one opens in the results above.
import { Button, Card, Table, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { VerifyRun } from './model';
import { StatusTag } from './RunHeader';

export function HistoryCard({ runs, error, shown, onOpen }: { runs: VerifyRun[]; error: unknown; shown?: string; onOpen: (id: string) => void }) {
  const { t, dateTime } = useI18n();
  return (
    <Card size="small" title={t('verify.history.title')} data-testid="verify-history">
      <ErrorAlert error={error} />
      <Table<VerifyRun>
        size="small"
        rowKey="id"
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={runs}
        locale={{ emptyText: t('verify.history.empty') }}
        rowClassName={(r) => (r.id === shown ? 'ant-table-row-selected' : '')}
        columns={[
          { key: 'id', title: t('verify.run.id'), render: (_, r) => <Typography.Text className="mono">{r.id}</Typography.Text> },
          { key: 'status', title: t('verify.run.status'), render: (_, r) => <StatusTag status={r.status} /> },
          { key: 'by', title: t('verify.run.startedBy'), dataIndex: 'startedBy' },
          { key: 'at', title: t('verify.run.startedAt'), render: (_, r) => <span className="nowrap">{dateTime(r.startedAt)}</span> },
          { key: 'samples', title: t('verify.run.progress'), render: (_, r) => t('verify.run.samples', { done: r.done, total: r.total }) },
          {
            key: 'open',
            title: t('common.actions'),
            width: 110,
            render: (_, r) =>
              r.id === shown ? (
                <Typography.Text type="secondary">{t('verify.history.shown')}</Typography.Text>
              ) : (
                <Button size="small" onClick={() => onOpen(r.id)} data-testid="verify-history-open">
                  {t('verify.history.open')}
                </Button>
              ),
          },
        ]}
      />
    </Card>
  );
}
