import { describe, expect, test } from 'vitest';
import { inspectionFieldsOf, inspectionFormOf, inspectionRequestOf, simulationFieldsOf, simulationFormOf, simulationRequestOf } from './form';
import { INSPECTOR_PROPERTIES, SIMULATOR_PROPERTIES } from './examples';

describe('inspection form', () => {
  test('nothing saved: Nepxion defaults, through the entry app', () => {
    const f = inspectionFormOf(null);
    expect(f.target).toBe('entry');
    expect(f.conditions.sampleCount).toBe(10);
    expect(inspectionRequestOf(f, 0)).toEqual({ strategy: '', revision: 0, conditions: { inspectUrl: '', contextService: '', sampleCount: 10, resultFilter: ['ID', 'V'], debug: false } });
  });
  test('a URL is sent only when chosen', () => {
    const f = { ...inspectionFormOf(null), conditions: { ...inspectionFormOf(null).conditions, inspectUrl: ' http://x/inspector/inspect ' } };
    expect(inspectionRequestOf(f, 3).conditions?.inspectUrl).toBe('');
    expect(inspectionRequestOf({ ...f, target: 'url' }, 3).conditions?.inspectUrl).toBe('http://x/inspector/inspect');
  });
  test('the text view sends the text as it is', () => {
    const f = { ...inspectionFormOf(null), mode: 'text' as const, conditionsText: INSPECTOR_PROPERTIES };
    expect(inspectionRequestOf(f, 2)).toEqual({ strategy: '', revision: 2, conditionsText: INSPECTOR_PROPERTIES, conditionsFormat: 'properties' });
  });
  test("Nepxion's file as fields", () => {
    const { fields, problems } = inspectionFieldsOf(INSPECTOR_PROPERTIES);
    expect(problems).toEqual([]);
    expect(fields?.target).toBe('url');
    expect(fields?.conditions.contextService).toBe('discovery-guide-service-a');
  });
});

describe('simulation form', () => {
  test('the second release is on unless turned off; the text names the key', () => {
    const f = simulationFormOf(null, 'g', 'gw');
    expect(f.conditions.secondReleaseEnabled).toBe(true);
    expect(simulationRequestOf(f, 0).conditions?.secondReleaseEnabled).toBeNull();
    expect(simulationRequestOf({ ...f, conditions: { ...f.conditions, secondReleaseEnabled: false } }, 0).conditions?.secondReleaseEnabled).toBe(false);
    expect(f.conditionsText).toContain('testcase.group=g\ntestcase.service=gw\n');
  });
  test("Nepxion's simulator file as fields, with its key", () => {
    const r = simulationFieldsOf(SIMULATOR_PROPERTIES);
    expect(r.problems).toEqual([]);
    expect([r.group, r.service]).toEqual(['discovery-guide-group', 'discovery-guide-gateway']);
    expect(r.fields?.conditions).toMatchObject({ consoleUrl: 'http://localhost:6001', graySampleCount: 1000, secondReleaseEnabled: true });
  });
});
