import { describe, expect, test } from 'vitest';
import templates from './testdata/templates.json';
import { parseYaml, toYaml } from './yaml';
import { exportYaml, importYaml } from './importExport';
import type { TemplateInfo } from './model';

describe('YAML', () => {
  test.each((templates as TemplateInfo[]).map((t) => [t.template, t] as const))('%s exports and imports unchanged', (_, t) => {
    const text = exportYaml({ releaseId: 'r', name: '蓝绿 1.0 → 1.1: test', template: t.template, steps: t.steps, edges: t.edges });
    const back = importYaml(text, 'shape');
    expect(back).toEqual({ name: '蓝绿 1.0 → 1.1: test', template: t.template, steps: t.steps, edges: t.edges });
  });

  test('reads what the CLI writes (go yaml.v3 style, 4-space indent, sequences at the key’s column)', () => {
    const text = [
      'edges:',
      '    - from: S1',
      '      to: S2',
      'name: "a: b"',
      'steps:',
      '    - config:',
      '        weight: 10',
      '        mode: GRADUAL # a comment',
      '      id: S1',
      '      name: 流量切换10%',
      '      postActions: []',
      '      preconditions:',
      '        - HEALTH_CHECK_PASSED',
      '      timeout: 5',
      '      type: TRAFFIC_SHIFT',
      'template: CUSTOM',
      'notes: |-',
      '    line one',
      '    line two',
    ].join('\n');
    expect(parseYaml(text)).toEqual({
      edges: [{ from: 'S1', to: 'S2' }],
      name: 'a: b',
      steps: [{ config: { weight: 10, mode: 'GRADUAL' }, id: 'S1', name: '流量切换10%', postActions: [], preconditions: ['HEALTH_CHECK_PASSED'], timeout: 5, type: 'TRAFFIC_SHIFT' }],
      template: 'CUSTOM',
      notes: 'line one\nline two',
    });
  });

  test('strings that look like other things stay strings', () => {
    const v = { a: '1.10', b: 'true', c: '', d: ' x', e: 'null', f: '#x', g: 'a #b', h: [1, 'yes', { i: null }] };
    expect(parseYaml(toYaml(v))).toEqual(v);
  });

  test('a file without steps is refused', () => {
    expect(() => importYaml('name: x\n', 'needs steps')).toThrow('needs steps');
  });
});
