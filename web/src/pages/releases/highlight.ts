// What the 二次确认 dialog highlights in a rule: the concrete version routes
// (seed 003: "二次确认Xml中的具体路由链路信息"), i.e. every <route …> line and
// the <version> of <strategy>, with the versions inside them marked and each
// route told apart as the old (green) or new (blue) chain. Pure.
import type { ServiceVersions } from '../../api/types';

/** A piece of a line; `version` marks a version value inside a route. */
export interface Segment {
  text: string;
  version?: boolean;
}

export type LineKind = 'route' | 'default';

export interface RuleLine {
  /** 1-based, as editors count. */
  number: number;
  text: string;
  kind?: LineKind;
  /** The route's id (route lines). */
  route?: string;
  segments: Segment[];
}

const ROUTE = /<route\b[^>]*>/;
const ROUTE_ID = /\bid\s*=\s*"([^"]*)"/;
const STRATEGY_OPEN = /<strategy(\s[^>]*)?>/;
const STRATEGY_CLOSE = /<\/strategy>/;
const VERSION = /<version\b/;
/** "service":"version" inside the JSON a route or the default holds. */
const PAIR = /("[^"\\]+"\s*:\s*)"([^"\\]*)"/g;

/** The lines of a rule, the route lines and the default version line marked. */
export function highlightRule(xml: string): RuleLine[] {
  let inStrategy = false;
  return xml.split('\n').map((text, i) => {
    const line: RuleLine = { number: i + 1, text, segments: [{ text }] };
    const opens = STRATEGY_OPEN.test(text);
    if (opens) inStrategy = true;
    if (ROUTE.test(text)) {
      line.kind = 'route';
      line.route = ROUTE_ID.exec(text)?.[1];
    } else if (inStrategy && VERSION.test(text)) {
      line.kind = 'default';
    }
    if (STRATEGY_CLOSE.test(text)) inStrategy = false;
    if (line.kind) line.segments = versionSegments(text);
    return line;
  });
}

/** Splits a line so the version values stand out: {"a":"1.0"} → {"a":, "1.0" (version), }. */
export function versionSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(PAIR)) {
    const start = m.index + m[1].length;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: `"${m[2]}"`, version: true });
    last = start + m[2].length + 2;
  }
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last) });
  return out;
}

/**
 * The service → version map of a route value or a <strategy><version>:
 * Nepxion writes {"svc":"1.0",…}; a bare value ("1.0") applies to every
 * service and is returned under "*".
 */
export function versionMap(value: string): Record<string, string> {
  const v = value.trim();
  if (v === '') return {};
  if (v.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(v);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return Object.fromEntries(Object.entries(parsed).map(([k, x]) => [k, String(x)]));
      }
    } catch {
      // not JSON after all: treat as a bare value
    }
  }
  return { '*': v };
}

export type Chain = 'old' | 'new' | 'mixed';

/**
 * Whether a version map sends every service to its old (green) version, to
 * its new (blue) one, or a mix (or versions not online).
 */
export function chainOf(map: Record<string, string>, versions: ServiceVersions[]): Chain {
  const entries = '*' in map ? versions.map((v): [string, string] => [v.service, map['*']]) : Object.entries(map);
  if (entries.length === 0) return 'mixed';
  const sides = entries.map(([service, version]) => sideOf(service, version, versions));
  if (sides.every((s) => s === 'old' || s === 'both')) return 'old';
  if (sides.every((s) => s === 'new' || s === 'both')) return 'new';
  return 'mixed';
}

/** Where one version of one service stands: old, new, both (the only version online) or unknown. */
export function sideOf(service: string, version: string, versions: ServiceVersions[]): 'old' | 'new' | 'both' | 'unknown' {
  const sv = versions.find((x) => x.service === service);
  if (!sv || !version) return 'unknown';
  const wanted = version.split(';').map((x) => x.trim()).filter(Boolean);
  const news = sv.new.split(';').map((x) => x.trim()).filter(Boolean);
  if (sv.old === sv.new && wanted.length === 1 && wanted[0] === sv.old) return 'both';
  if (wanted.every((w) => w === sv.old)) return 'old';
  if (wanted.every((w) => news.includes(w) && w !== sv.old)) return 'new';
  return 'unknown';
}
