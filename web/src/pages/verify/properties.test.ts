import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { inspectionFromText, inspectionToText, parseProperties, simulationFromText, simulationToText, defaultSimulation } from './properties';

const vectors = fileURLToPath(new URL('../../../../verify/testdata/automation/', import.meta.url));
const vector = (name: string) => readFileSync(vectors + name, 'utf8');

describe('parseProperties', () => {
  test('comments, separators, continuations and the BOM', () => {
    const { settings, problems } = parseProperties('\uFEFF# comment\n! also\na=1\nb : two words \nc three\n  d=x\\\n    y\ne\n');
    expect(problems).toEqual([]);
    expect(settings.map((s) => [s.key, s.value, s.line])).toEqual([
      ['a', '1', 3],
      ['b', 'two words', 4],
      ['c', 'three', 5],
      ['d', 'xy', 6],
      ['e', '', 8],
    ]);
  });
  test('a key set twice is a problem', () => {
    expect(parseProperties('a=1\na=2').problems).toEqual([{ key: 'a', line: 2, kind: 'duplicate' }]);
  });
});

describe('inspection conditions', () => {
  test.runIf(existsSync(vectors))("Nepxion's inspector application.properties", () => {
    const { conditions, problems } = inspectionFromText(vector('inspector/application.properties'));
    expect(problems).toEqual([]);
    expect(conditions).toEqual({
      inspectUrl: 'http://localhost:5001/discovery-guide-service-a/inspector/inspect',
      contextService: 'discovery-guide-service-a',
      sampleCount: 10,
      resultFilter: ['ID', 'V'],
      debug: false,
    });
  });
  test('fields → text → fields is the same', () => {
    const c = { inspectUrl: 'http://127.0.0.1:5001/a/inspector/inspect', contextService: 'a', sampleCount: 25, resultFilter: ['ID', 'V', 'H'], debug: true };
    const text = inspectionToText(c);
    expect(text).toContain('testcase.result.filter=ID,V,H\n');
    expect(inspectionFromText(text)).toEqual({ conditions: c, problems: [] });
  });
  test('what the fields cannot take is listed by line', () => {
    const { problems } = inspectionFromText('testcase.sample.count=ten\ntestcase.colour=red\ntestcase.debug.enabled=yes');
    expect(problems).toEqual([
      { key: 'testcase.sample.count', line: 1, kind: 'integer' },
      { key: 'testcase.colour', line: 2, kind: 'unknown' },
      { key: 'testcase.debug.enabled', line: 3, kind: 'boolean' },
    ]);
  });
});

describe('simulation conditions', () => {
  test.runIf(existsSync(vectors))("Nepxion's simulator application.properties, with its key", () => {
    const { conditions, group, service, problems } = simulationFromText(vector('simulator/application.properties'));
    expect(problems).toEqual([]);
    expect(group).toBe('discovery-guide-group');
    expect(service).toBe('discovery-guide-gateway');
    expect(conditions).toEqual({
      ...defaultSimulation(),
      consoleUrl: 'http://localhost:6001',
      inspectUrl: 'http://localhost:5001/discovery-guide-service-a/inspector/inspect',
      contextService: 'discovery-guide-service-a',
    });
  });
  test('fields → text → fields is the same', () => {
    const c = { ...defaultSimulation(), graySampleCount: 500, grayWeightOffset: 8, secondReleaseEnabled: false, versionPreferEnabled: true };
    const text = simulationToText(c, 'g', 'gw');
    expect(text).toContain('testcase.group=g\ntestcase.service=gw\n');
    expect(simulationFromText(text)).toEqual({ conditions: c, group: 'g', service: 'gw', problems: [] });
  });
});
