import { describe, expect, test } from 'vitest';
import templates from './testdata/templates.json';
import { layout, nodeSize, sideBranches } from './layout';
import type { TemplateInfo } from './model';

const all = templates as TemplateInfo[];
const byName = (t: string) => all.find((x) => x.template === t)!;
const center = (t: TemplateInfo, pos: ReturnType<typeof layout>, id: string) => {
  const s = t.steps.find((x) => x.id === id)!;
  const { width, height } = nodeSize(s.type);
  return { x: pos[id].x + width / 2, y: pos[id].y + height / 2 };
};

describe('layout', () => {
  test('blue-green looks like the seed: one column top to bottom, each 回滚 right of its 异常? on its row', () => {
    const t = byName('BLUE_GREEN');
    const pos = layout(t.steps, t.edges);
    const main = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6', 'S7', 'S8', 'S10', 'S11', 'S12', 'S14', 'S15', 'S16', 'S17', 'S18'];
    const xs = main.map((id) => center(t, pos, id).x);
    expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan(1); // one column
    for (let i = 1; i < main.length; i++) {
      expect(center(t, pos, main[i]).y, `${main[i]} below ${main[i - 1]}`).toBeGreaterThan(center(t, pos, main[i - 1]).y);
    }
    for (const [rb, decision] of [['S9', 'S8'], ['S13', 'S12']]) {
      expect(center(t, pos, rb).x).toBeGreaterThan(xs[0] + 150);
      expect(center(t, pos, rb).y).toBe(center(t, pos, decision).y);
    }
  });

  test('the side branches are the rollbacks a decision’s 是 leads to', () => {
    const t = byName('BLUE_GREEN');
    const forward = t.edges.filter((e) => e.to !== 'S3' || e.from === 'S2');
    expect(sideBranches(t.steps, forward)).toEqual(new Map([['S9', ['S8']], ['S13', ['S12']]]));
  });

  test.each(all.map((t) => [t.template, t] as const))('%s: every step placed, none on top of another', (_, t) => {
    const pos = layout(t.steps, t.edges);
    expect(Object.keys(pos).sort()).toEqual(t.steps.map((s) => s.id).sort());
    const seen = new Set(Object.values(pos).map((p) => `${p.x},${p.y}`));
    expect(seen.size).toBe(t.steps.length);
  });

  test('canary: its one rollback sits right of the column, between the decisions', () => {
    const t = byName('CANARY');
    const pos = layout(t.steps, t.edges);
    const rb = t.steps.find((s) => s.type === 'ROLLBACK')!.id;
    const decisions = t.steps.filter((s) => s.type === 'DECISION').map((s) => center(t, pos, s.id));
    const c = center(t, pos, rb);
    expect(c.x).toBeGreaterThan(Math.max(...decisions.map((d) => d.x)));
    expect(c.y).toBeGreaterThanOrEqual(Math.min(...decisions.map((d) => d.y)));
    expect(c.y).toBeLessThanOrEqual(Math.max(...decisions.map((d) => d.y)));
  });
});
