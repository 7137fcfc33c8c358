import type { ComponentType } from 'react';
import { Card, Result, Typography } from 'antd';
import {
  ApartmentOutlined,
  CheckCircleOutlined,
  ExperimentOutlined,
  HistoryOutlined,
  RadarChartOutlined,
} from '@ant-design/icons';
import { useI18n } from '../i18n/I18nProvider';
import { PageHeader } from '../components/PageHeader';

/** The console areas that later work fills in; each says what it will do. */
export const AREAS = ['workflows', 'executions', 'inspection', 'simulation'] as const;
export type Area = (typeof AREAS)[number];

const icons: Record<Area, ComponentType<{ style?: React.CSSProperties }>> = {
  workflows: ApartmentOutlined,
  executions: HistoryOutlined,
  inspection: RadarChartOutlined,
  simulation: ExperimentOutlined,
};

export function AreaPage({ area }: { area: Area }) {
  const { t } = useI18n();
  const Icon = icons[area];
  const features = [t(`area.${area}.f1`), t(`area.${area}.f2`), t(`area.${area}.f3`)];
  return (
    <>
      <PageHeader path={[t('app.name'), t(`nav.${area}`)]} title={t(`area.${area}.title`)} />
      <Card data-testid={`area-${area}`}>
        <Result
          icon={<Icon style={{ color: '#1677ff' }} />}
          title={t('area.comingSoon')}
          subTitle={<span style={{ display: 'inline-block', maxWidth: 680 }}>{t(`area.${area}.desc`)}</span>}
        >
          <ul className="area-features">
            {features.map((f) => (
              <li key={f}>
                <CheckCircleOutlined style={{ color: '#52c41a', marginInlineEnd: 8 }} />
                <Typography.Text>{f}</Typography.Text>
              </li>
            ))}
          </ul>
        </Result>
      </Card>
    </>
  );
}
