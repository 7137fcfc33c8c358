// An inspection's result as the tables show it: every service@@version
// counted, and every distinct chain with its hops. Pure.
import type { ChainHop, InspectionResult, VersionCount } from './model';

export interface CountRow {
  key: string;
  service: string;
  version: string;
  count: number;
  /** Percent of the samples answered (0 when none yet). */
  share: number;
  side?: string;
}

export interface ChainRow {
  key: string;
  /** 1-based, in the order the server counted them (most frequent first once sorted). */
  index: number;
  chain: string;
  count: number;
  share: number;
  hops: ChainHop[];
  /** The row that stands for the chains beyond the kept ones. */
  other?: boolean;
}

const pct = (n: number, of: number) => (of > 0 ? Math.round((n * 1000) / of) / 10 : 0);

/** The counts, in the order of the chain (the server's), with their share of the samples. */
export function countRows(counts: VersionCount[], samples: number): CountRow[] {
  return counts.map((c) => ({ key: c.key, service: c.service, version: c.version, count: c.count, share: pct(c.count, samples), side: c.side || undefined }));
}

/** The distinct chains, most frequent first, and one row for those beyond the kept ones. */
export function chainRows(r: InspectionResult): ChainRow[] {
  const rows: ChainRow[] = [...r.chains]
    .map((c, i) => ({ i, c }))
    .sort((a, b) => b.c.count - a.c.count || a.i - b.i)
    .map(({ c }, n) => ({ key: c.chain, index: n + 1, chain: c.chain, count: c.count, share: pct(c.count, r.samples), hops: c.hops }));
  if (r.otherChains > 0) {
    rows.push({ key: '__other__', index: rows.length + 1, chain: '', count: r.otherChains, share: pct(r.otherChains, r.samples), hops: [], other: true });
  }
  return rows;
}

/** A chain's hops as "service@@version" steps. */
export function hopKeys(hops: ChainHop[]): string[] {
  return hops.map((h) => `${h.service}@@${h.version}`);
}

/** The progress of a run in percent (done of total). */
export function progress(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 0;
}
