// Executions for the tests, shaped as the server sends them.
import type { Execution, ExecutionMetrics, StepRun } from './model';

export function run(stepId: string, type: StepRun['type'], status: StepRun['status'], extra: Partial<StepRun> = {}): StepRun {
  return { stepId, name: stepId, type, status, ...extra };
}

export function sample(at: string, blue: Partial<ExecutionMetrics['blueEnv']>, green: Partial<ExecutionMetrics['greenEnv']>): ExecutionMetrics {
  const env = { version: '', traffic: 0, successRate: 100, responseTime: 10, p99: 20, requests: 100, errors: 0, cpu: 10, memory: 100 * 1024 * 1024 };
  return { at, blueEnv: { ...env, version: '1.1', ...blue }, greenEnv: { ...env, version: '1.0', ...green } };
}

export function execution(extra: Partial<Execution> = {}): Execution {
  return {
    id: 'EXE-001',
    workflowId: 'WF-001',
    workflowVersion: 1,
    releaseId: 'discovery-guide-1.1',
    startTime: '2026-02-15T10:00:00Z',
    currentStep: '流量切换50%',
    currentStepId: 'S10',
    status: 'RUNNING',
    steps: [
      run('S1', 'START', 'COMPLETED'),
      run('S6', 'TRAFFIC_SHIFT', 'COMPLETED', { startTime: '2026-02-15T10:20:00Z', endTime: '2026-02-15T10:21:00Z' }),
      run('S7', 'MONITOR', 'COMPLETED', { startTime: '2026-02-15T10:21:00Z', endTime: '2026-02-15T10:26:00Z' }),
      run('S8', 'DECISION', 'COMPLETED'),
      run('S9', 'ROLLBACK', 'PENDING'),
      run('S10', 'TRAFFIC_SHIFT', 'RUNNING', { startTime: '2026-02-15T10:26:00Z' }),
      run('S11', 'MONITOR', 'PENDING'),
      run('S18', 'END', 'PENDING'),
    ],
    metrics: sample('2026-02-15T10:25:00Z', { traffic: 10 }, { traffic: 90 }),
    logs: [{ time: '2026-02-15T10:26:15Z', message: '开始流量切换至50%', key: 'shift.start', level: 'info' }],
    alerts: [],
    actions: [{ time: '2026-02-15T10:00:00Z', by: 'admin', action: 'start' }],
    startedBy: 'admin',
    elapsed: 1500,
    estimatedRemaining: 2700,
    allowed: ['pause', 'abort', 'rollback', 'skip'],
    seq: 10,
    traffic: { stepId: 'S10', from: 10, to: 50, current: 35 },
    ...extra,
  };
}
