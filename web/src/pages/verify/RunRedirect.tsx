// /inspection/runs/:id and /simulation/runs/:id: the run's key's page with the run open.
import { Navigate, useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { Flex, Spin } from 'antd';
import { ErrorAlert } from '../../components/ErrorAlert';
import { fetchRun, runKey } from './queries';

export function RunRedirect() {
  const { id = '' } = useParams();
  const run = useQuery({ queryKey: runKey(id), queryFn: () => fetchRun(id) });
  if (run.isError) return <ErrorAlert error={run.error} />;
  if (!run.data) {
    return (
      <Flex justify="center" style={{ padding: 48 }}>
        <Spin />
      </Flex>
    );
  }
  const q = new URLSearchParams({ group: run.data.group, app: run.data.serviceId, run: id });
  return <Navigate replace to={`/${run.data.kind === 'inspection' ? 'inspection' : 'simulation'}?${q}`} />;
}
