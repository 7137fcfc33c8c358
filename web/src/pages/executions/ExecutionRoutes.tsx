// The execution pages (流程执行), mounted at /executions/*: the history
// (执行记录, the index) and the live execution page (/executions/:id).
import { Route, Routes, useParams } from 'react-router';
import { NotFoundPage } from '../StatusPages';
import { ExecutionPage } from './ExecutionPage';
import { HistoryPage } from './HistoryPage';

export function ExecutionRoutes() {
  return (
    <Routes>
      <Route index element={<HistoryPage />} />
      <Route path=":id" element={<OpenExecution />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

function OpenExecution() {
  const { id = '' } = useParams();
  return <ExecutionPage key={id} id={id} />;
}
