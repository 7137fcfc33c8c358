// 步骤类型: every step type the server knows, dragged onto the chart.
import { Card, Tooltip, Typography } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { STEP_TYPES, type StepType } from './model';
import { stepColor } from './stepLook';

export const DRAG_TYPE = 'application/x-switchyard-step';

export function Palette({ onAdd }: { onAdd: (type: StepType) => void }) {
  const { t } = useI18n();
  return (
    <Card size="small" title={t('workflows.palette')} className="wf-palette" data-testid="wf-palette" styles={{ body: { padding: 8 } }}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
        {t('workflows.paletteHint')}
      </Typography.Paragraph>
      {STEP_TYPES.map((type) => (
        <Tooltip key={type} title={t(`workflows.typeDesc.${type}`)} placement="right" mouseEnterDelay={0.6}>
          <div
            className="wf-palette-item"
            style={{ borderLeftColor: stepColor(type) }}
            draggable
            role="button"
            tabIndex={0}
            data-testid={`wf-palette-${type}`}
            onDragStart={(e) => {
              e.dataTransfer.setData(DRAG_TYPE, type);
              e.dataTransfer.effectAllowed = 'move';
            }}
            // Keyboard and double click: add it below the chart.
            onDoubleClick={() => onAdd(type)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onAdd(type);
              }
            }}
          >
            {t(`workflows.type.${type}`)}
          </div>
        </Tooltip>
      ))}
    </Card>
  );
}
