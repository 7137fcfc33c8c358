// The workflow pages (流程编排): the list, a new workflow of a release, the
// editor, and an older saved version read-only. Mounted at /workflows/*.
import { Route, Routes } from 'react-router';
import { NotFoundPage } from '../StatusPages';
import { NewWorkflowPage, WorkflowPage } from './EditorPage';
import { WorkflowListPage } from './WorkflowListPage';

export function WorkflowRoutes() {
  return (
    <Routes>
      <Route index element={<WorkflowListPage />} />
      <Route path="new" element={<NewWorkflowPage />} />
      <Route path=":id" element={<WorkflowPage />} />
      <Route path=":id/versions/:v" element={<WorkflowPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
