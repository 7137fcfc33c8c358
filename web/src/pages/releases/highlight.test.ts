import { describe, expect, test } from 'vitest';
import type { ServiceVersions, Topology } from '../../api/types';
import { chainOf, highlightRule, sideOf, versionMap, versionSegments } from './highlight';
import { lanesOf } from './topology';

// What the server previews for the guide topology (trimmed to what matters).
const RELEASE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<rule>
    <strategy>
        <version>{"discovery-guide-service-a":"1.0","discovery-guide-service-b":"1.0"}</version>
    </strategy>
    <strategy-release>
        <conditions type="blue-green">
            <condition id="condition-0" expression="#H['user-type'] == 'normal'" version-id="route-0"/>
            <condition id="condition-1" expression="#H['user-type'] == 'vip'" version-id="route-1"/>
        </conditions>
        <conditions type="gray">
            <condition id="condition-0" version-id="route-0=70;route-1=30"/>
        </conditions>
        <routes>
            <route id="route-0" type="version">{"discovery-guide-service-a":"1.0","discovery-guide-service-b":"1.0"}</route>
            <route id="route-1" type="version">{"discovery-guide-service-a":"1.1","discovery-guide-service-b":"1.1"}</route>
        </routes>
    </strategy-release>
</rule>`;

const VERSIONS: ServiceVersions[] = [
  { service: 'discovery-guide-service-a', versions: ['1.0', '1.1'], old: '1.0', new: '1.1' },
  { service: 'discovery-guide-service-b', versions: ['1.0', '1.1'], old: '1.0', new: '1.1' },
];

describe('highlightRule', () => {
  test('marks the route lines and the default version, nothing else', () => {
    const lines = highlightRule(RELEASE_XML);
    const marked = lines.filter((l) => l.kind).map((l) => [l.number, l.kind, l.route]);
    expect(marked).toEqual([
      [4, 'default', undefined],
      [15, 'route', 'route-0'],
      [16, 'route', 'route-1'],
    ]);
    expect(lines).toHaveLength(RELEASE_XML.split('\n').length);
    // Unmarked lines are one plain segment: their text, unchanged.
    expect(lines[7].segments).toEqual([{ text: lines[7].text }]);
  });

  test('a one-line strategy and a <version> outside <strategy>', () => {
    const lines = highlightRule('<rule><strategy><version>1.0</version></strategy>\n<discovery><version>x</version></discovery></rule>');
    expect(lines.map((l) => l.kind)).toEqual(['default', undefined]);
  });

  test('<strategy-release> is not <strategy>', () => {
    const lines = highlightRule('<strategy-release>\n<version>1.0</version>\n</strategy-release>');
    expect(lines.map((l) => l.kind)).toEqual([undefined, undefined, undefined]);
  });

  test('the versions inside a route are their own segments, and the text is kept whole', () => {
    const line = '<route id="route-1" type="version">{"a":"1.1","b":"1.1;1.2"}</route>';
    const segments = versionSegments(line);
    expect(segments.filter((s) => s.version).map((s) => s.text)).toEqual(['"1.1"', '"1.1;1.2"']);
    expect(segments.map((s) => s.text).join('')).toBe(line);
  });

  test('a line without versions is one segment', () => {
    expect(versionSegments('<version>1.0</version>')).toEqual([{ text: '<version>1.0</version>' }]);
  });
});

describe('chains', () => {
  test('versionMap reads Nepxion JSON and bare values', () => {
    expect(versionMap('{"a":"1.0","b":"1.1"}')).toEqual({ a: '1.0', b: '1.1' });
    expect(versionMap('1.0')).toEqual({ '*': '1.0' });
    expect(versionMap('{broken')).toEqual({ '*': '{broken' });
    expect(versionMap('  ')).toEqual({});
  });

  test.each([
    { value: '{"discovery-guide-service-a":"1.0","discovery-guide-service-b":"1.0"}', want: 'old' },
    { value: '{"discovery-guide-service-a":"1.1","discovery-guide-service-b":"1.1"}', want: 'new' },
    { value: '{"discovery-guide-service-a":"1.0","discovery-guide-service-b":"1.1"}', want: 'mixed' },
    { value: '{"discovery-guide-service-a":"2.0"}', want: 'mixed' },
    { value: '1.0', want: 'old' },
    { value: '', want: 'mixed' },
  ])('$value is $want', ({ value, want }) => {
    expect(chainOf(versionMap(value), VERSIONS)).toBe(want);
  });

  test('a service with one version online is on both chains', () => {
    const single: ServiceVersions[] = [{ service: 's', versions: ['1.0'], old: '1.0', new: '1.0' }];
    expect(sideOf('s', '1.0', single)).toBe('both');
    expect(chainOf({ s: '1.0' }, single)).toBe('old');
    expect(sideOf('unknown', '1.0', single)).toBe('unknown');
  });

  test('several new versions', () => {
    const many: ServiceVersions[] = [{ service: 's', versions: ['1.0', '1.1', '1.2'], old: '1.0', new: '1.1;1.2' }];
    expect(sideOf('s', '1.1;1.2', many)).toBe('new');
    expect(sideOf('s', '1.2', many)).toBe('new');
    expect(sideOf('s', '1.0;1.1', many)).toBe('unknown');
  });
});

describe('lanesOf', () => {
  const topology: Topology = {
    entry: 'discovery-guide-gateway',
    services: ['discovery-guide-service-a', 'discovery-guide-service-b'],
    default: { 'discovery-guide-service-a': '1.0', 'discovery-guide-service-b': '1.0' },
    conditions: [
      {
        kind: 'blue-green',
        id: 'condition-0',
        expression: "#H['user-type'] == 'normal'",
        routes: [{ route: 'route-0', weight: -1, versions: { 'discovery-guide-service-a': '1.0', 'discovery-guide-service-b': '1.0' } }],
      },
      {
        kind: 'blue-green',
        id: 'condition-1',
        expression: "#H['user-type'] == 'vip'",
        routes: [{ route: 'route-1', weight: -1, versions: { 'discovery-guide-service-a': '1.1', 'discovery-guide-service-b': '1.1' } }],
      },
      {
        kind: 'gray',
        id: 'condition-0',
        expression: '',
        routes: [
          { route: 'route-0', weight: 70, versions: { 'discovery-guide-service-a': '1.0', 'discovery-guide-service-b': '1.0' } },
          { route: 'route-1', weight: 30, versions: { 'discovery-guide-service-a': '1.1', 'discovery-guide-service-b': '1.1' } },
        ],
      },
    ],
  };

  test('the default and the green route share the old lane; each lane lists what sends traffic there', () => {
    const lanes = lanesOf(topology);
    expect(lanes).toHaveLength(2);
    expect(lanes[0].labels.map((l) => [l.kind, l.expression, l.weight])).toEqual([
      ['default', '', -1],
      ['blue-green', "#H['user-type'] == 'normal'", -1],
      ['gray', '', 70],
    ]);
    expect(lanes[1].versions).toEqual({ 'discovery-guide-service-a': '1.1', 'discovery-guide-service-b': '1.1' });
    expect(lanes[1].labels.map((l) => [l.kind, l.weight])).toEqual([
      ['blue-green', -1],
      ['gray', 30],
    ]);
  });

  test('a 0 % gray route sends nothing; no rule means no lane', () => {
    const zero: Topology = {
      ...topology,
      default: {},
      conditions: [{ ...topology.conditions[2], routes: topology.conditions[2].routes.map((r) => ({ ...r, weight: r.route === 'route-1' ? 0 : 100 })) }],
    };
    expect(lanesOf(zero).map((l) => l.labels.map((x) => x.weight))).toEqual([[100]]);
    expect(lanesOf({ ...topology, default: {}, conditions: [] })).toEqual([]);
  });
});
