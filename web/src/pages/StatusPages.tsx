import { useNavigate } from 'react-router';
import { Button, Result } from 'antd';
import { useI18n } from '../i18n/I18nProvider';

export function ForbiddenPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="403"
      title={t('forbidden.title')}
      subTitle={t('forbidden.desc')}
      extra={
        <Button type="primary" onClick={() => navigate('/releases')}>
          {t('notFound.back')}
        </Button>
      }
    />
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title={t('notFound.title')}
      extra={
        <Button type="primary" onClick={() => navigate('/releases')}>
          {t('notFound.back')}
        </Button>
      }
    />
  );
}
