import { expect, test } from 'vitest';
import { chainRows, countRows, hopKeys, progress } from './results';

const hop = (service: string, version: string) => ({ service, version, segment: `[ID=${service}][V=${version}]`, tags: { ID: service, V: version } });

test('counts with their share of the samples', () => {
  expect(countRows([{ key: 'a@@1.1', service: 'a', version: '1.1', count: 7 }, { key: 'a@@1.0', service: 'a', version: '1.0', count: 3, side: '' }], 10)).toEqual([
    { key: 'a@@1.1', service: 'a', version: '1.1', count: 7, share: 70, side: undefined },
    { key: 'a@@1.0', service: 'a', version: '1.0', count: 3, share: 30, side: undefined },
  ]);
  expect(countRows([{ key: 'a@@1', service: 'a', version: '1', count: 0 }], 0)[0].share).toBe(0);
});

test('chains most frequent first, the ones beyond the kept as one row', () => {
  const rows = chainRows({
    url: '',
    serviceIdList: [],
    header: {},
    samples: 12,
    counts: [],
    topology: { nodes: [], edges: [] },
    otherChains: 1,
    chains: [
      { chain: 'x -> a1', count: 3, hops: [hop('gw', '1.0'), hop('a', '1.1')] },
      { chain: 'x -> a0', count: 8, hops: [hop('gw', '1.0'), hop('a', '1.0')] },
    ],
  });
  expect(rows.map((r) => [r.index, r.chain, r.count, r.share, !!r.other])).toEqual([
    [1, 'x -> a0', 8, 66.7, false],
    [2, 'x -> a1', 3, 25, false],
    [3, '', 1, 8.3, true],
  ]);
  expect(hopKeys(rows[0].hops)).toEqual(['gw@@1.0', 'a@@1.0']);
});

test('progress', () => {
  expect(progress(0, 0)).toBe(0);
  expect(progress(71, 7100)).toBe(1);
  expect(progress(8000, 7100)).toBe(100);
});
