// A step on the chart: its name, its type and settings in a line, the
// problems the server (or the side panel) found as a red badge; a DECISION
// is a diamond with 是 (right) and 否 (bottom). Handles: in at the top (and
// on the left for a 是 branch arriving beside its decision), out at the
// bottom, loop edges on the right going back up.
import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { Badge, Tooltip } from 'antd';
import { useI18n } from '../../i18n/I18nProvider';
import { HANDLE, type StepNode as StepNodeType } from './graph';
import { stepColor, stepSummary } from './stepLook';

export interface StepNodeView extends Record<string, unknown> {
  problems?: string[];
  readOnly?: boolean;
}

function StepNodeImpl({ data, selected }: NodeProps<StepNodeType>) {
  const { t } = useI18n();
  const { step } = data;
  const view = data as unknown as StepNodeView & typeof data;
  const problems = view.problems ?? [];
  const invalid = problems.length > 0;
  const tip = invalid ? (
    <div data-testid="wf-node-problems">
      {problems.map((p, i) => (
        <div key={i}>{p}</div>
      ))}
    </div>
  ) : undefined;
  const cls = [selected ? 'selected' : '', invalid ? 'invalid' : ''].join(' ');
  const badge = invalid && (
    <span className="wf-node-badge">
      <Badge count={problems.length} size="small" />
    </span>
  );
  if (step.type === 'DECISION') {
    return (
      <Tooltip title={tip} color="#fff" styles={{ container: { color: 'rgba(0,0,0,0.88)' } }}>
        <div className={`wf-decision ${cls}`} data-testid={`wf-node-${step.id}`} data-invalid={invalid || undefined}>
          <div className="wf-decision-shape" />
          <div className="wf-decision-inner" />
          <span className="wf-decision-text">{step.name}</span>
          {badge}
          <Handle type="target" position={Position.Top} id={HANDLE.in} />
          <Handle type="target" position={Position.Right} id={HANDLE.back} className="wf-handle-back" style={{ top: '30%' }} />
          <Handle type="source" position={Position.Right} id={HANDLE.yes} className="wf-handle-yes" title={t('workflows.branch.yes')} />
          <Handle type="source" position={Position.Bottom} id={HANDLE.no} className="wf-handle-no" title={t('workflows.branch.no')} />
        </div>
      </Tooltip>
    );
  }
  const terminal = step.type === 'START' || step.type === 'END';
  return (
    <Tooltip title={tip} color="#fff" styles={{ container: { color: 'rgba(0,0,0,0.88)' } }}>
      <div
        className={`wf-node ${terminal ? `wf-node-terminal ${step.type === 'END' ? 'end' : ''}` : ''} ${cls}`}
        style={{ ['--wf-color' as string]: stepColor(step.type) }}
        data-testid={`wf-node-${step.id}`}
        data-invalid={invalid || undefined}
      >
        <div className="wf-node-name">{step.name}</div>
        {!terminal && <div className="wf-node-sub">{stepSummary(step, t)}</div>}
        {badge}
        {step.type !== 'START' && <Handle type="target" position={Position.Top} id={HANDLE.in} />}
        {step.type !== 'START' && <Handle type="target" position={Position.Left} id={HANDLE.inSide} style={{ opacity: 0 }} />}
        {step.type !== 'START' && <Handle type="target" position={Position.Right} id={HANDLE.back} className="wf-handle-back" style={{ top: '70%' }} />}
        {step.type !== 'END' && <Handle type="source" position={Position.Bottom} id={HANDLE.out} />}
        {step.type !== 'END' && <Handle type="source" position={Position.Right} id={HANDLE.loop} className="wf-handle-loop" style={{ top: '30%' }} />}
      </div>
    </Tooltip>
  );
}

export const StepNode = memo(StepNodeImpl);
