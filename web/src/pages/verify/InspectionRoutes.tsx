// The traffic inspection pages (流量侦测): /inspection?group=&app=&run=, and
// /inspection/runs/:id opening a run on its key's page.
import { Route, Routes } from 'react-router';
import { InspectionPage } from './InspectionPage';
import { RunRedirect } from './RunRedirect';

export function InspectionRoutes() {
  return (
    <Routes>
      <Route index element={<InspectionPage />} />
      <Route path="runs/:id" element={<RunRedirect />} />
    </Routes>
  );
}
