// YAML import and export of a workflow in the CLI's format (`switchyard
// workflow show -o yaml`, `switchyard workflow create -f`): the API's JSON
// field names as YAML keys. The console has no YAML library, so this is a
// small writer and a reader of the block YAML such files use (mappings,
// sequences, quoted and plain scalars, one-line flow collections, literal
// block scalars); JSON, a subset of YAML, is read as it is.

export type Yaml = null | boolean | number | string | Yaml[] | { [key: string]: Yaml };

/** v as a YAML document. */
export function toYaml(v: unknown): string {
  const lines: string[] = [];
  write(lines, v, 0, null);
  return lines.join('\n') + '\n';
}

function write(lines: string[], v: unknown, indent: number, lead: string | null) {
  const pad = ' '.repeat(indent);
  const start = lead ?? pad;
  if (Array.isArray(v)) {
    if (v.length === 0) return void lines.push(`${start}[]`.trimEnd());
    if (lead !== null) lines.push(lead.trimEnd());
    for (const item of v) {
      if (isBlock(item)) {
        write(lines, item, indent + 2, `${pad}- `);
      } else {
        lines.push(`${pad}- ${scalar(item)}`);
      }
    }
    return;
  }
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return void lines.push(`${start}{}`.trimEnd());
    let first = true;
    for (const [k, x] of entries) {
      const prefix = first && lead !== null ? lead : pad;
      first = false;
      const key = `${prefix}${plainKey(k)}:`;
      if (isBlock(x)) {
        lines.push(key);
        write(lines, x, Array.isArray(x) ? indent : indent + 2, null);
      } else {
        lines.push(`${key} ${scalar(x)}`);
      }
    }
    return;
  }
  lines.push(`${start}${scalar(v)}`);
}

function isBlock(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function plainKey(k: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object') return '{}';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = String(v);
  return plainSafe(s) ? s : JSON.stringify(s);
}

/** Whether s reads back as the same string when written plain. */
function plainSafe(s: string): boolean {
  if (s === '' || s !== s.trim()) return false;
  if (/^(null|~|true|false|yes|no|on|off|y|n)$/i.test(s)) return false;
  if (/^[-+]?(\d|\.\d)/.test(s) && !Number.isNaN(Number(s))) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  return !/: |\s#|[\n\r\t]|:$/.test(s);
}

export class YamlError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'YamlError';
  }
}

interface Line {
  n: number;
  indent: number;
  text: string;
}

/** Reads a YAML (or JSON) document. */
export function parseYaml(source: string): Yaml {
  const trimmed = source.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.parse(trimmed) as Yaml;
    } catch {
      // flow YAML that is not JSON: read below
    }
  }
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    if (/^\s*(#.*)?$/.test(raw) || raw === '---' || raw === '...') return;
    if (/^\s*\t/.test(raw)) throw new YamlError(i + 1, 'tabs cannot indent YAML');
    lines.push({ n: i + 1, indent: raw.length - raw.trimStart().length, text: raw.trim() });
  });
  // keep the raw lines for block scalars
  const raw = source.split(/\r?\n/);
  const p = new Parser(lines, raw);
  if (lines.length === 0) return null;
  const v = p.block(lines[0].indent);
  if (p.i < lines.length) throw new YamlError(lines[p.i].n, 'unexpected indentation');
  return v;
}

class Parser {
  i = 0;
  constructor(
    private readonly lines: Line[],
    private readonly raw: string[],
  ) {}

  block(indent: number): Yaml {
    const l = this.lines[this.i];
    if (l.text.startsWith('- ') || l.text === '-') return this.sequence(indent);
    if (keyOf(l.text) !== undefined) return this.mapping(indent);
    this.i++;
    return flowValue(l.text, l.n);
  }

  sequence(indent: number): Yaml[] {
    const out: Yaml[] = [];
    while (this.i < this.lines.length) {
      const l = this.lines[this.i];
      if (l.indent < indent) break;
      if (l.indent > indent) throw new YamlError(l.n, 'unexpected indentation');
      if (!(l.text.startsWith('- ') || l.text === '-')) break;
      const rest = l.text === '-' ? '' : l.text.slice(2).trimStart();
      const inner = l.indent + (l.text.length - rest.length);
      if (rest === '') {
        this.i++;
        out.push(this.i < this.lines.length && this.lines[this.i].indent > indent ? this.block(this.lines[this.i].indent) : null);
      } else if (keyOf(rest) !== undefined || rest.startsWith('- ')) {
        // "- key: value" starts a mapping at the column after the dash
        this.lines[this.i] = { n: l.n, indent: inner, text: rest };
        out.push(this.block(inner));
      } else {
        this.i++;
        out.push(this.scalarOrBlock(rest, l, indent));
      }
    }
    return out;
  }

  mapping(indent: number): { [key: string]: Yaml } {
    const out: { [key: string]: Yaml } = {};
    while (this.i < this.lines.length) {
      const l = this.lines[this.i];
      if (l.indent < indent) break;
      if (l.indent > indent) throw new YamlError(l.n, 'unexpected indentation');
      const kv = keyOf(l.text);
      if (!kv) break;
      const [key, rest] = kv;
      if (Object.prototype.hasOwnProperty.call(out, key)) throw new YamlError(l.n, `key "${key}" is given twice`);
      this.i++;
      if (rest === '') {
        const next = this.lines[this.i];
        // a sequence may sit at the key's own indentation
        if (next && (next.indent > indent || (next.indent === indent && next.text.startsWith('-')))) out[key] = this.block(next.indent);
        else out[key] = null;
      } else {
        out[key] = this.scalarOrBlock(rest, l, indent);
      }
    }
    return out;
  }

  /** A value after "key:" or "- ": a scalar, a flow collection or a literal block (| or |-). */
  scalarOrBlock(text: string, l: Line, indent: number): Yaml {
    const m = /^([|>])([-+]?)$/.exec(text);
    if (!m) return flowValue(text, l.n);
    const body: string[] = [];
    let blockIndent = -1;
    let r = l.n; // raw index of the next line (l.n is 1-based)
    while (r < this.raw.length) {
      const line = this.raw[r];
      const ind = line.length - line.trimStart().length;
      if (line.trim() !== '' && ind <= indent) break;
      if (line.trim() !== '' && blockIndent < 0) blockIndent = ind;
      body.push(blockIndent < 0 ? '' : line.slice(blockIndent));
      r++;
    }
    while (this.i < this.lines.length && this.lines[this.i].n <= r) this.i++;
    while (m[2] !== '+' && body.length && body[body.length - 1] === '') body.pop();
    const text2 = m[1] === '|' ? body.join('\n') : body.join(' ');
    return m[2] === '-' ? text2 : text2 + '\n';
  }
}

/** "key: rest" → [key, rest]; undefined when the line is not a mapping entry. */
function keyOf(text: string): [string, string] | undefined {
  let key: string;
  let after: string;
  if (text.startsWith('"') || text.startsWith("'")) {
    const end = quoteEnd(text, 0);
    if (end < 0) return undefined;
    key = String(quoted(text.slice(0, end + 1), 0));
    after = text.slice(end + 1);
  } else {
    const m = /^([^\s:#[\]{},][^:#]*?|[^\s:#[\]{},]):(\s|$)/.exec(text);
    if (!m) return undefined;
    key = m[1];
    after = text.slice(m[1].length);
  }
  if (!after.startsWith(':') || (after.length > 1 && after[1] !== ' ')) return undefined;
  return [key, stripComment(after.slice(1)).trim()];
}

function stripComment(s: string): string {
  let q = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (q) {
      if (ch === '\\' && q === '"') i++;
      else if (ch === q) q = '';
    } else if (ch === '"' || ch === "'") q = ch;
    else if (ch === '#' && (i === 0 || s[i - 1] === ' ')) return s.slice(0, i);
  }
  return s;
}

function quoteEnd(s: string, from: number): number {
  const q = s[from];
  for (let i = from + 1; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') i++;
    else if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

function quoted(s: string, line: number): string {
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new YamlError(line, `cannot read ${s}`);
    }
  }
  return s.slice(1, -1).replace(/''/g, "'");
}

/** A scalar or a one-line flow collection. */
function flowValue(text: string, line: number): Yaml {
  const s = stripComment(text).trim();
  const p = { s, i: 0, line };
  const v = flow(p, false);
  skipSpace(p);
  if (p.i < s.length) throw new YamlError(line, `cannot read "${s}"`);
  return v;
}

interface FlowState {
  s: string;
  i: number;
  line: number;
}

function skipSpace(p: FlowState) {
  while (p.i < p.s.length && p.s[p.i] === ' ') p.i++;
}

function flow(p: FlowState, inside: boolean): Yaml {
  skipSpace(p);
  const ch = p.s[p.i];
  if (ch === '[') {
    p.i++;
    const out: Yaml[] = [];
    for (;;) {
      skipSpace(p);
      if (p.s[p.i] === ']') return p.i++, out;
      out.push(flow(p, true));
      skipSpace(p);
      if (p.s[p.i] === ',') p.i++;
      else if (p.s[p.i] !== ']') throw new YamlError(p.line, 'a flow sequence needs "," or "]"');
    }
  }
  if (ch === '{') {
    p.i++;
    const out: { [key: string]: Yaml } = {};
    for (;;) {
      skipSpace(p);
      if (p.s[p.i] === '}') return p.i++, out;
      const key = String(flow(p, true));
      skipSpace(p);
      if (p.s[p.i] !== ':') throw new YamlError(p.line, 'a flow mapping needs "key: value"');
      p.i++;
      out[key] = flow(p, true);
      skipSpace(p);
      if (p.s[p.i] === ',') p.i++;
      else if (p.s[p.i] !== '}') throw new YamlError(p.line, 'a flow mapping needs "," or "}"');
    }
  }
  if (ch === '"' || ch === "'") {
    const end = quoteEnd(p.s, p.i);
    if (end < 0) throw new YamlError(p.line, 'a quoted string is not closed');
    const v = quoted(p.s.slice(p.i, end + 1), p.line);
    p.i = end + 1;
    return v;
  }
  const start = p.i;
  while (p.i < p.s.length && !(inside && /[,\]}]/.test(p.s[p.i])) && !(inside && p.s[p.i] === ':' && (p.s[p.i + 1] === ' ' || p.s[p.i + 1] === undefined))) p.i++;
  return plain(p.s.slice(start, p.i).trim());
}

function plain(s: string): Yaml {
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (/^(true|True|TRUE)$/.test(s)) return true;
  if (/^(false|False|FALSE)$/.test(s)) return false;
  if (/^[-+]?(\d[\d_]*)?\.?\d+([eE][-+]?\d+)?$/.test(s)) return Number(s.replace(/_/g, ''));
  return s;
}
