// The simulation pages (模拟): /simulation?group=&app=&run=, and
// /simulation/runs/:id opening a run on its key's page.
import { Route, Routes } from 'react-router';
import { RunRedirect } from './RunRedirect';
import { SimulationPage } from './SimulationPage';

export function SimulationRoutes() {
  return (
    <Routes>
      <Route index element={<SimulationPage />} />
      <Route path="runs/:id" element={<RunRedirect />} />
    </Routes>
  );
}
