// The conditions as Nepxion writes them — the inspector's and the
// simulator's application.properties — and as the page's fields. Pure: the
// page converts between the two views; the server checks whichever it is
// sent (the text as conditionsText, the fields as conditions).
import type { InspectionConditions, SimulationConditions } from './model';

/** One key=value of a .properties text, with the line it starts on. */
export interface Setting {
  key: string;
  value: string;
  line: number;
}

/** A line the fields cannot take: an unknown key, or a value of the wrong kind. */
export interface Problem {
  key: string;
  line: number;
  kind: 'unknown' | 'integer' | 'boolean' | 'syntax' | 'duplicate';
}

/** Reads a .properties text (java.util.Properties' lines: comments, '=' ':' or space, '\' continuations). */
export function parseProperties(text: string): { settings: Setting[]; problems: Problem[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  const settings: Setting[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = lines[i].replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(logical) && i + 1 < lines.length) {
      logical = logical.slice(0, -1) + lines[++i].replace(/^[ \t\f]+/, '');
    }
    const m = /^((?:\\.|[^=:\s\\])+)\s*(?:[=:]\s*|\s+|$)(.*)$/.exec(logical);
    if (!m) {
      problems.push({ key: '', line: start, kind: 'syntax' });
      continue;
    }
    const key = m[1].replace(/\\(.)/g, '$1');
    if (seen.has(key)) problems.push({ key, line: start, kind: 'duplicate' });
    seen.set(key, start);
    settings.push({ key, value: m[2].trim(), line: start });
  }
  return { settings, problems };
}

export const KEYS = {
  inspectUrl: 'testcase.inspect.url',
  contextService: 'testcase.inspect.context.service',
  sampleCount: 'testcase.sample.count',
  resultFilter: 'testcase.result.filter',
  debug: 'testcase.debug.enabled',
  consoleUrl: 'testcase.console.url',
  awaitMillis: 'testcase.console.operation.await.time',
  group: 'testcase.group',
  service: 'testcase.service',
  loopCount: 'testcase.loop.count',
  blueGreenSampleCount: 'testcase.bluegreen.sample.count',
  graySampleCount: 'testcase.gray.sample.count',
  grayWeightOffset: 'testcase.gray.weight.offset',
  versionPreferEnabled: 'testcase.version.prefer.enabled',
  secondReleaseEnabled: 'testcase.second.release.enabled',
} as const;

/** The tags an inspector result filter may name (ID=ServiceId, V=Version, …). */
export const RESULT_TAGS = ['ID', 'UID', 'AID', 'T', 'P', 'H', 'V', 'R', 'E', 'Z', 'G', 'A', 'TID', 'SID'] as const;

export const defaultInspection = (): InspectionConditions => ({
  inspectUrl: '',
  contextService: '',
  sampleCount: 10,
  resultFilter: ['ID', 'V'],
  debug: false,
});

export const defaultSimulation = (): SimulationConditions => ({
  consoleUrl: '',
  awaitMillis: 5000,
  inspectUrl: '',
  contextService: '',
  loopCount: 1,
  blueGreenSampleCount: 100,
  graySampleCount: 1000,
  grayWeightOffset: 5,
  versionPreferEnabled: false,
  secondReleaseEnabled: null,
  debug: false,
});

type Reader = (s: Setting, problems: Problem[]) => void;

function int(s: Setting, problems: Problem[], set: (n: number) => void) {
  if (s.value === '') return; // blank keeps the default, as DiscoveryTool's isNotBlank
  if (!/^[+-]?\d+$/.test(s.value)) {
    problems.push({ key: s.key, line: s.line, kind: 'integer' });
    return;
  }
  set(Number(s.value));
}

function bool(s: Setting, problems: Problem[], set: (b: boolean) => void) {
  const v = s.value.toLowerCase();
  if (v === '') return;
  if (v !== 'true' && v !== 'false') {
    problems.push({ key: s.key, line: s.line, kind: 'boolean' });
    return;
  }
  set(v === 'true');
}

function read(text: string, readers: Record<string, Reader>) {
  const { settings, problems } = parseProperties(text);
  for (const s of settings) {
    const r = readers[s.key];
    if (r) r(s, problems);
    else problems.push({ key: s.key, line: s.line, kind: 'unknown' });
  }
  return problems;
}

/** The inspector's application.properties as the fields (Nepxion's defaults for what is not set). */
export function inspectionFromText(text: string): { conditions: InspectionConditions; problems: Problem[] } {
  const c = defaultInspection();
  const problems = read(text, {
    [KEYS.inspectUrl]: (s) => (c.inspectUrl = s.value),
    [KEYS.contextService]: (s) => (c.contextService = s.value),
    [KEYS.sampleCount]: (s, p) => int(s, p, (n) => (c.sampleCount = n)),
    [KEYS.resultFilter]: (s) => {
      if (s.value !== '') c.resultFilter = s.value.split(',');
    },
    [KEYS.debug]: (s, p) => bool(s, p, (b) => (c.debug = b)),
  });
  return { conditions: c, problems };
}

/** The fields as the inspector's application.properties. */
export function inspectionToText(c: InspectionConditions): string {
  const lines: string[] = [];
  if (c.inspectUrl) lines.push(`${KEYS.inspectUrl}=${c.inspectUrl}`);
  if (c.contextService) lines.push(`${KEYS.contextService}=${c.contextService}`);
  lines.push(`${KEYS.sampleCount}=${c.sampleCount}`);
  lines.push(`${KEYS.resultFilter}=${(c.resultFilter.length ? c.resultFilter : ['ID', 'V']).join(',')}`);
  if (c.debug) lines.push(`${KEYS.debug}=true`);
  return lines.join('\n') + '\n';
}

/** The simulator's application.properties as the fields, and the key it names (testcase.group, testcase.service). */
export function simulationFromText(text: string): { conditions: SimulationConditions; group: string; service: string; problems: Problem[] } {
  const c = defaultSimulation();
  let group = '';
  let service = '';
  const problems = read(text, {
    [KEYS.consoleUrl]: (s) => (c.consoleUrl = s.value),
    [KEYS.awaitMillis]: (s, p) => int(s, p, (n) => (c.awaitMillis = n)),
    [KEYS.group]: (s) => (group = s.value),
    [KEYS.service]: (s) => (service = s.value),
    [KEYS.inspectUrl]: (s) => (c.inspectUrl = s.value),
    [KEYS.contextService]: (s) => (c.contextService = s.value),
    [KEYS.loopCount]: (s, p) => int(s, p, (n) => (c.loopCount = n)),
    [KEYS.blueGreenSampleCount]: (s, p) => int(s, p, (n) => (c.blueGreenSampleCount = n)),
    [KEYS.graySampleCount]: (s, p) => int(s, p, (n) => (c.graySampleCount = n)),
    [KEYS.grayWeightOffset]: (s, p) => int(s, p, (n) => (c.grayWeightOffset = n)),
    [KEYS.versionPreferEnabled]: (s, p) => bool(s, p, (b) => (c.versionPreferEnabled = b)),
    [KEYS.secondReleaseEnabled]: (s, p) => bool(s, p, (b) => (c.secondReleaseEnabled = b)),
    [KEYS.debug]: (s, p) => bool(s, p, (b) => (c.debug = b)),
  });
  return { conditions: c, group, service, problems };
}

/** The fields as the simulator's application.properties, naming the key (group, serviceId). */
export function simulationToText(c: SimulationConditions, group: string, service: string): string {
  const lines: string[] = [];
  if (c.consoleUrl) lines.push(`${KEYS.consoleUrl}=${c.consoleUrl}`);
  lines.push(`${KEYS.awaitMillis}=${c.awaitMillis}`);
  if (group) lines.push(`${KEYS.group}=${group}`);
  if (service) lines.push(`${KEYS.service}=${service}`);
  if (c.inspectUrl) lines.push(`${KEYS.inspectUrl}=${c.inspectUrl}`);
  if (c.contextService) lines.push(`${KEYS.contextService}=${c.contextService}`);
  lines.push(`${KEYS.loopCount}=${c.loopCount}`);
  lines.push(`${KEYS.blueGreenSampleCount}=${c.blueGreenSampleCount}`);
  lines.push(`${KEYS.graySampleCount}=${c.graySampleCount}`);
  lines.push(`${KEYS.grayWeightOffset}=${c.grayWeightOffset}`);
  if (c.versionPreferEnabled) lines.push(`${KEYS.versionPreferEnabled}=true`);
  if (c.secondReleaseEnabled === false) lines.push(`${KEYS.secondReleaseEnabled}=false`);
  if (c.debug) lines.push(`${KEYS.debug}=true`);
  return lines.join('\n') + '\n';
}
