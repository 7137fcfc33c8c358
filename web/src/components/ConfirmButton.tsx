import type { ReactNode } from 'react';
import { Button, Popconfirm, Tooltip } from 'antd';
import { useI18n } from '../i18n/I18nProvider';

/**
 * A table row's dangerous action (delete, revoke): a link button that asks
 * first; the confirmation's OK button spins while onConfirm's promise runs
 * (useAction's run).
 */
export function ConfirmButton({
  title,
  description,
  okText,
  icon,
  onConfirm,
  disabled,
  tooltip,
  children,
}: {
  title: ReactNode;
  description: ReactNode;
  okText: ReactNode;
  icon: ReactNode;
  onConfirm: () => Promise<void>;
  disabled?: boolean;
  /** Why it is disabled. */
  tooltip?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Popconfirm title={title} description={description} okText={okText} okButtonProps={{ danger: true }} cancelText={t('common.cancel')} onConfirm={onConfirm} disabled={disabled}>
      <Tooltip title={tooltip}>
        <Button type="link" size="small" danger icon={icon} disabled={disabled}>
          {children}
        </Button>
      </Tooltip>
    </Popconfirm>
  );
}
