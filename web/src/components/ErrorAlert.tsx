import { Alert, Button, Typography } from 'antd';
import { ApiError } from '../api/error';
import { useI18n } from '../i18n/I18nProvider';

/** An error in the user's language, with the request id for support and an optional retry. */
export function ErrorAlert({ error, onRetry, retryLabel }: { error: unknown; onRetry?: () => void; retryLabel?: string }) {
  const { t, errorText } = useI18n();
  if (!error) {
    return null;
  }
  const requestId = error instanceof ApiError ? error.requestId : undefined;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="error-alert"
      style={{ marginBottom: 16 }}
      title={errorText(error)}
      description={
        requestId ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('error.requestId', { id: requestId })}
          </Typography.Text>
        ) : undefined
      }
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {retryLabel ?? t('common.reload')}
          </Button>
        ) : undefined
      }
    />
  );
}
