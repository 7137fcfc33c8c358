// 流量侦测测试结果: every service@@version counted, every distinct chain
// with its segments on expand, and the topology — live while it runs.
import { Card, Col, Descriptions, Row, Table, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { InspectionResult as Result } from './model';
import { RunTopology } from './RunTopology';
import { chainRows, countRows, type ChainRow, type CountRow } from './results';

function Share({ value }: { value: number }) {
  return <span className="nowrap">{value}%</span>;
}

export function CountsTable({ rows, testId, sides }: { rows: CountRow[]; testId: string; sides?: boolean }) {
  const { t } = useI18n();
  return (
    <Table<CountRow>
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={rows}
      data-testid={testId}
      columns={[
        { key: 'key', title: t('verify.col.key'), render: (_, r) => <span className="mono">{r.key}</span> },
        ...(sides
          ? [{ key: 'side', title: t('verify.col.side'), render: (_: unknown, r: CountRow) => (r.side ? <Tag color={r.side === 'new' ? 'blue' : 'green'}>{t(r.side === 'new' ? 'verify.side.new' : 'verify.side.old')}</Tag> : null) }]
          : []),
        { key: 'count', title: t('verify.col.count'), dataIndex: 'count', align: 'right', width: 90 },
        { key: 'share', title: t('verify.col.share'), align: 'right', width: 90, render: (_, r) => <Share value={r.share} /> },
      ]}
    />
  );
}

function Hops({ row }: { row: ChainRow }) {
  const { t } = useI18n();
  return (
    <Table
      size="small"
      rowKey={(h) => `${h.service}@@${h.version}:${h.segment}`}
      pagination={false}
      dataSource={row.hops.map((h, i) => ({ ...h, i: i + 1 }))}
      data-testid="verify-hops"
      columns={[
        { key: 'i', title: t('verify.col.hop'), dataIndex: 'i', width: 56 },
        { key: 'key', title: t('verify.col.key'), render: (_, h) => <span className="mono nowrap">{`${h.service}@@${h.version}`}</span> },
        { key: 'segment', title: t('verify.col.segment'), render: (_, h) => <Typography.Text className="mono verify-segment">{h.segment}</Typography.Text> },
      ]}
    />
  );
}

export function InspectionResultView({ result }: { result: Result }) {
  const { t } = useI18n();
  const counts = countRows(result.counts, result.samples);
  const chains = chainRows(result);
  return (
    <>
      <Descriptions
        size="small"
        column={{ xs: 1, lg: 3 }}
        style={{ marginTop: 12 }}
        items={[
          { key: 'url', label: t('verify.run.url'), children: <span className="mono" data-testid="verify-run-url">{result.url}</span> },
          { key: 'services', label: t('verify.run.services'), children: <span className="mono">{result.serviceIdList.join(', ')}</span> },
          {
            key: 'header',
            label: t('verify.run.header'),
            children: Object.entries(result.header ?? {}).map(([k, v]) => (
              <Tag key={k} className="mono">
                {k}={v}
              </Tag>
            )),
          },
        ]}
      />
      <Row gutter={[16, 16]} style={{ marginTop: 4 }}>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('verify.counts.title')} className="release-card">
            <CountsTable rows={counts} testId="verify-counts" />
          </Card>
        </Col>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('verify.topology.title')} className="release-card">
            <RunTopology topology={result.topology} />
          </Card>
        </Col>
        <Col span={24}>
          <Card size="small" title={t('verify.chains.title')}>
            <Table<ChainRow>
              size="small"
              rowKey="key"
              pagination={false}
              dataSource={chains}
              locale={{ emptyText: t('verify.chains.empty') }}
              data-testid="verify-chains"
              expandable={{ expandedRowRender: (r) => <Hops row={r} />, rowExpandable: (r) => !r.other }}
              columns={[
                { key: 'i', title: '#', dataIndex: 'index', width: 48 },
                {
                  key: 'chain',
                  title: t('verify.col.chain'),
                  render: (_, r) => (r.other ? t('verify.chains.other') : <span className="mono verify-chain">{r.chain}</span>),
                },
                { key: 'count', title: t('verify.col.count'), dataIndex: 'count', align: 'right', width: 90 },
                { key: 'share', title: t('verify.col.share'), align: 'right', width: 90, render: (_, r) => <Share value={r.share} /> },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
