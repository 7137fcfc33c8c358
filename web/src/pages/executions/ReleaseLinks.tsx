// On a release's page: links to its workflow(s) (/workflows/<id>) and to its
// executions (/executions?release=<name>).
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Button } from 'antd';
import { ApartmentOutlined, HistoryOutlined } from '@ant-design/icons';
import { useI18n } from '../../i18n/I18nProvider';
import { fetchWorkflowsOf } from './queries';

export function ReleaseLinks({ release }: { release: string }) {
  const { t } = useI18n();
  const workflows = useQuery({ queryKey: ['workflows', { releaseId: release }], queryFn: () => fetchWorkflowsOf(release), staleTime: 30_000 });
  return (
    <>
      {(workflows.data ?? []).slice(0, 3).map((w) => (
        <Link key={w.id} to={`/workflows/${encodeURIComponent(w.id)}`} data-testid="release-workflow-link">
          <Button icon={<ApartmentOutlined />} tabIndex={-1}>
            {t('exe.release.workflow', { id: w.id })}
          </Button>
        </Link>
      ))}
      <Link to={`/executions?release=${encodeURIComponent(release)}`} data-testid="release-executions-link">
        <Button icon={<HistoryOutlined />} tabIndex={-1}>
          {t('exe.release.executions')}
        </Button>
      </Link>
    </>
  );
}
