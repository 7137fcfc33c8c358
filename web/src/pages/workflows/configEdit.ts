// Writing one setting into a step's config: an empty value removes it
// (the server's default applies), so a config carries only what was set.
import { configOf, type Config, type Step } from './model';

export function withConfig(step: Step, name: string, value: unknown): Step {
  const c: Config = { ...configOf(step) };
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) delete c[name];
  else c[name] = value;
  const next: Step = { ...step };
  if (Object.keys(c).length > 0) next.config = c;
  else delete next.config;
  return next;
}

/** A threshold bound: thresholds.<metric>.<bound>; an emptied metric goes away. */
export function withThreshold(step: Step, metric: string, bound: string, value: number | null): Step {
  const c = configOf(step);
  const all = { ...((c.thresholds as Record<string, Record<string, number>> | undefined) ?? {}) };
  const m = { ...(all[metric] ?? {}) };
  if (value === null) delete m[bound];
  else m[bound] = value;
  if (Object.keys(m).length > 0) all[metric] = m;
  else delete all[metric];
  return withConfig(step, 'thresholds', Object.keys(all).length > 0 ? all : undefined);
}

/** Lines of a text area as a list (empty lines dropped). */
export const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/** "name: value" lines as headers. */
export function headersOf(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const l of lines(text)) {
    const i = l.indexOf(':');
    if (i > 0) out[l.slice(0, i).trim()] = l.slice(i + 1).trim();
    else out[l] = '';
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
