// The frame both verification pages (流量侦测, 模拟) share below their
// banners: the entry picker; until an entry is picked and its saved
// configuration read, a hint, a spinner or the error; then the page's own
// form, the execute card (保存 and 执行), the shown run's result and the
// past runs.
import type { ReactNode } from 'react';
import { Card, Col, Empty, Flex, Row, Spin } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../components/ErrorAlert';
import { EntryPicker } from './EntryPicker';
import { ExecuteCard } from './ExecuteCard';
import { HistoryCard } from './HistoryCard';
import type { VerifyKind, VerifyRun } from './model';
import { RunHeader } from './RunHeader';
import type { useVerifyPage } from './useVerifyPage';

type VerifyPage<C extends { revision: number; updatedBy: string; updatedAt: string }, R> = ReturnType<typeof useVerifyPage<C, R>>;

export interface VerifyBodyProps<C extends { revision: number; updatedBy: string; updatedAt: string }, R> {
  kind: VerifyKind;
  p: VerifyPage<C, R>;
  /** 保存 or 执行, after the page's own checks. */
  onSubmit: (action: 'save' | 'start') => void;
  /** The kind's result of a run (chains or phases). */
  result: (run: VerifyRun) => ReactNode;
  /** The page's form (its strategy and conditions), drawn once the entry's configuration is read. */
  form: () => ReactNode;
}

export function VerifyBody<C extends { revision: number; updatedBy: string; updatedAt: string }, R>({ kind, p, onSubmit, result, form }: VerifyBodyProps<C, R>) {
  const { t } = useI18n();
  const run = p.live.data;
  return (
    <Row gutter={[16, 16]}>
      <Col span={24}>
        <EntryPicker title={t(`verify.entry.${kind}`)} group={p.group} app={p.app} onChange={p.setEntry} />
      </Col>
      {!p.picked ? (
        <Col span={24}>
          <Card size="small">
            <Empty description={t('verify.pickEntry')} />
          </Card>
        </Col>
      ) : p.config.isPending ? (
        <Col span={24}>
          <Flex justify="center" style={{ padding: 32 }}>
            <Spin tip={t('verify.loading')} />
          </Flex>
        </Col>
      ) : p.config.isError ? (
        <Col span={24}>
          <ErrorAlert error={p.config.error} onRetry={() => void p.config.refetch()} />
        </Col>
      ) : (
        <>
          <Col span={24}>{form()}</Col>
          <Col span={24}>
            <ExecuteCard
              title={t(`verify.execute.${kind}`)}
              runLabel={t(`verify.run.${kind}`)}
              saved={p.config.data}
              readOnly={!!p.readOnly}
              busy={p.busy}
              saving={p.save.isPending}
              starting={p.start.isPending}
              problem={p.problem}
              onSave={() => onSubmit('save')}
              onStart={() => onSubmit('start')}
            />
          </Col>
          <Col span={24}>
            <Card size="small" title={t(`verify.result.${kind}`)} data-testid="verify-result">
              {!p.shownId ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('verify.result.none')} />
              ) : !run ? (
                p.live.isError ? <ErrorAlert error={p.live.error} /> : <Spin />
              ) : (
                <>
                  <RunHeader run={run} mayAbort={!p.readOnly} onAbort={() => p.abort.mutateAsync(run.id).then(() => undefined, () => undefined)} aborting={p.abort.isPending} />
                  {result(run)}
                </>
              )}
            </Card>
          </Col>
          <Col span={24}>
            <HistoryCard runs={p.runs.data ?? []} error={p.runs.error} shown={p.shownId} onOpen={p.openRun} />
          </Col>
        </>
      )}
    </Row>
  );
}
