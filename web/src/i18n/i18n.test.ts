import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { en } from './en';
import { zh } from './zh';
import { detectLanguage, format, formatDateTime, placeholders, translator } from './messages';

/** The reasons the server sends today (identity, auth, request decoding). */
const SERVER_REASONS = [
  'login.invalid', 'login.throttled', 'session.expired', 'auth.required', 'auth.role', 'auth.csrf',
  'field.unknown', 'field.type', 'body.required', 'body.invalid', 'name.required', 'name.format',
  'role.invalid', 'groups.duplicate', 'group.unknown', 'user.name.taken', 'group.name.taken',
  'password.short', 'password.long', 'password.wrong', 'revision.stale', 'user.not_found',
  'group.not_found', 'token.not_found', 'token.name', 'token.expires', 'user.self_demote',
  'user.self_delete', 'user.last_admin', 'displayName.length', 'description.length',
  'param.invalid', 'param.range', 'route.not_found',
  'account.disabled', 'body.too_large', 'session.not_found', 'token.invalid',
];

describe('bundles', () => {
  test('中文 and English have exactly the same keys', () => {
    const zhKeys = Object.keys(zh).sort();
    const enKeys = Object.keys(en).sort();
    expect(zhKeys.filter((k) => !(k in en))).toEqual([]);
    expect(enKeys.filter((k) => !(k in zh))).toEqual([]);
    expect(zhKeys).toEqual(enKeys);
  });

  test('no message is empty', () => {
    for (const [lang, bundle] of Object.entries({ zh, en })) {
      for (const [key, text] of Object.entries(bundle)) {
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
      }
    }
  });

  test('both languages use the same placeholders in each message', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zh[key]).sort(), key).toEqual(placeholders(en[key]).sort());
    }
  });

  test('every reason the server sends has a translation', () => {
    const missing = SERVER_REASONS.filter((r) => !(`error.${r}` in en));
    expect(missing).toEqual([]);
  });

  // Guards against a reason added to the console's API without a translation:
  // scans the Go sources whose errors the console shows for literal reasons.
  // Add a package here when a console page starts calling it. (The data
  // plane's reasons never reach the console; of the rule packages, only the
  // release console's checks in rule/releasedoc/console.go do — the release
  // service wraps rule building errors in release.build.)
  test('the server source sends no untranslated reason', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    if (!existsSync(join(root, 'go.mod'))) return; // the console built outside the repository
    const sources = ['.', 'auth', 'httpapi', 'store/sqlstore', 'release', 'workflow', 'rule/releasedoc/console.go'];
    const found = new Map<string, string>();
    const patterns = [
      /WithReason\("([\w.]+)"/g,
      /FieldErrorf\([^,()]+, "([\w.]+)"/g,
      // rule.Issues: is.errorf(path, "reason", …), the path possibly built with a call
      /\.errorf\((?:"[^"\n]*"|[^,"()\n]|\([^()\n]*\))+, "([\w.]+)"/g,
      // rule.Issue{…, Reason: "reason"}
      /Reason: "([\w.]+)"/g,
      // rule.ExpressionIssue(path, "reason", …)
      /ExpressionIssue\([^,()]+, "([\w.]+)"/g,
    ];
    for (const file of goFiles(root, sources)) {
      const src = readFileSync(join(root, file), 'utf8');
      for (const re of patterns) {
        for (const m of src.matchAll(re)) {
          // "instance."+field: a key built at run time is checked by name below
          if (!m[1].endsWith('.')) found.set(m[1], file);
        }
      }
    }
    expect(found.size).toBeGreaterThan(60);
    for (const reason of ['release.transition', 'release.locked', 'bluegreen.same', 'gray.weight.range', 'gray.none', 'service.offline', 'expression.syntax']) {
      expect([...found.keys()], 'the scan finds the release reasons').toContain(reason);
    }
    const untranslated = [...found].filter(([reason]) => !(`error.${reason}` in en)).map(([r, f]) => `${r} (${f})`);
    expect(untranslated, 'add "error.<reason>" to web/src/i18n/en.ts and zh.ts').toEqual([]);
  });
});

/** The non-test Go files of the listed directories and files, relative to root. */
function goFiles(root: string, sources: string[]): string[] {
  return sources.flatMap((src) =>
    src.endsWith('.go')
      ? [src]
      : readdirSync(join(root, src))
          .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
          .map((f) => join(src, f)),
  );
}

describe('detectLanguage', () => {
  test.each([
    { stored: null, browser: ['zh-CN'], want: 'zh' },
    { stored: null, browser: ['zh-TW', 'en'], want: 'zh' },
    { stored: null, browser: ['ZH'], want: 'zh' },
    { stored: null, browser: ['en-US', 'zh-CN'], want: 'en' },
    { stored: null, browser: ['de-DE'], want: 'en' },
    { stored: null, browser: [], want: 'en' },
    { stored: 'en', browser: ['zh-CN'], want: 'en' },
    { stored: 'zh', browser: ['en-US'], want: 'zh' },
    { stored: 'fr', browser: ['zh-CN'], want: 'zh' },
  ])('stored $stored, browser $browser → $want', ({ stored, browser, want }) => {
    expect(detectLanguage(stored, browser)).toBe(want);
  });
});

describe('format', () => {
  test('fills placeholders and keeps unknown ones', () => {
    expect(format('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(format('no params')).toBe('no params');
  });

  test('translator picks the language', () => {
    expect(translator('zh')('users.created', { name: 'alice' })).toBe('已创建用户 alice');
    expect(translator('en')('users.created', { name: 'alice' })).toBe('User alice created');
  });

  test('dates follow the language', () => {
    const iso = '2026-03-04T05:06:07Z';
    const zhText = formatDateTime('zh', iso);
    const enText = formatDateTime('en', iso);
    expect(zhText).toMatch(/2026\/03\/0[45]/);
    expect(enText).toMatch(/03\/0[45]\/2026/);
    expect(formatDateTime('en', null)).toBe('');
    expect(formatDateTime('en', 'not a date')).toBe('not a date');
  });
});
