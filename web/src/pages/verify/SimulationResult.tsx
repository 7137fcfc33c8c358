// 模拟流程测试结果: the seven phases with their status (live), each phase's
// batches and assertions on expand, the versions online at the start, the
// rule before the simulation and whether it is back, and the topology.
import { useEffect, useRef, useState } from 'react';
import { Alert, Card, Col, Collapse, Row, Steps, Table, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import type { ServiceSides, SimulationRun, VerifyRun } from './model';
import { messageText } from './messages';
import { currentPhase, phaseName, phasesOf, tally } from './phases';
import { PhaseBody, phaseIcon, PhaseTitle } from './PhaseView';
import { RunTopology } from './RunTopology';

const stepStatus = { PENDING: 'wait', RUNNING: 'process', PASSED: 'finish', FAILED: 'error', SKIPPED: 'wait' } as const;

function Restore({ run, sim }: { run: VerifyRun; sim: SimulationRun }) {
  const { t, lang } = useI18n();
  const r = sim.restore;
  if (r) {
    const type = r.status === 'restored' || r.status === 'unchanged' ? 'success' : r.status === 'skipped' ? 'warning' : 'error';
    return (
      <Alert
        type={type}
        showIcon
        data-testid="verify-restore"
        data-status={r.status}
        title={
          <span>
            <b>{t(`verify.restore.${r.status}`)}</b> · {messageText(lang, r.message)}
          </span>
        }
      />
    );
  }
  if (run.status !== 'RUNNING') return null;
  const v = sim.original?.version ?? 0;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="verify-restore-pending"
      title={v > 0 && !sim.original?.deleted ? t('verify.restore.pending', { version: v }) : t('verify.restore.none')}
      description={sim.locks?.length ? t('verify.locks', { releases: sim.locks.join(', ') }) : undefined}
    />
  );
}

function Versions({ versions }: { versions: ServiceSides[] }) {
  const { t } = useI18n();
  return (
    <Table<ServiceSides>
      size="small"
      rowKey="service"
      pagination={false}
      dataSource={versions}
      data-testid="verify-versions"
      columns={[
        { key: 'service', title: t('verify.col.service'), render: (_, s) => <span className="mono">{s.service}</span> },
        { key: 'old', title: t('verify.col.old'), render: (_, s) => s.old.map((v) => <Tag key={v} color="green">{v}</Tag>) },
        { key: 'new', title: t('verify.col.new'), render: (_, s) => s.new.map((v) => <Tag key={v} color="blue">{v}</Tag>) },
      ]}
    />
  );
}

export function SimulationResultView({ run, sim }: { run: VerifyRun; sim: SimulationRun }) {
  const { t } = useI18n();
  const phases = phasesOf(sim.result.phases, sim.config.conditions.secondReleaseEnabled !== false);
  const count = tally(phases);
  const current = currentPhase(phases);
  const [open, setOpen] = useState<string[]>(current ? [String(current.index)] : []);
  // The phase under way (or the one that failed) opens by itself as the run moves on, and the one
  // opened so before closes again (those the user opened stay open).
  const auto = useRef<string | undefined>(current ? String(current.index) : undefined);
  useEffect(() => {
    if (!current) return;
    const key = String(current.index);
    if (auto.current === key) return;
    const before = auto.current;
    auto.current = key;
    setOpen((o) => [...o.filter((k) => k !== before && k !== key), key]);
  }, [current?.index, current?.status]); // eslint-disable-line react-hooks/exhaustive-deps
  const loops = sim.config.conditions.loopCount || 1;
  return (
    <Row gutter={[16, 16]} style={{ marginTop: 12 }}>
      <Col span={24}>
        <Card
          size="small"
          title={t('verify.phases.title')}
          extra={
            <Typography.Text type={count.FAILED ? 'danger' : 'secondary'} data-testid="verify-phase-tally">
              {t('verify.phases.tally', { passed: count.PASSED, total: count.total })}
            </Typography.Text>
          }
        >
          <Steps
            size="small"
            className="verify-steps"
            items={phases.map((p) => ({
              title: phaseName(t, p.name),
              description: t('verify.phase.n', { index: p.index }),
              status: stepStatus[p.status],
              icon: phaseIcon[p.status],
            }))}
            data-testid="verify-steps"
          />
          <Collapse
            size="small"
            style={{ marginTop: 16 }}
            activeKey={open}
            onChange={(k) => {
              auto.current = undefined; // the user's choice from now on
              setOpen(Array.isArray(k) ? k : [k]);
            }}
            data-testid="verify-phases"
            items={phases.map((p) => ({ key: String(p.index), label: <PhaseTitle phase={p} />, children: <PhaseBody phase={p} loops={loops} /> }))}
          />
        </Card>
      </Col>
      <Col span={24}>
        <Restore run={run} sim={sim} />
      </Col>
      <Col xs={24} xl={9}>
        <Card size="small" title={t('verify.versions.title')} className="release-card">
          <Versions versions={sim.result.versions} />
        </Card>
      </Col>
      <Col xs={24} xl={15}>
        <Card size="small" title={t('verify.topology.title')} className="release-card">
          <RunTopology topology={sim.result.topology} sides={sim.result.versions} />
        </Card>
      </Col>
    </Row>
  );
}
