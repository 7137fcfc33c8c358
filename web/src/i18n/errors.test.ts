import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/error';
import { translateError } from './errors';

interface Detail {
  reason?: string;
  field?: string;
  params?: Record<string, string | undefined>;
}

function apiError(detail: Detail) {
  return new ApiError(400, { code: 'invalid', message: 'the English message', ...detail, params: detail.params as Record<string, string> });
}

describe('translateError', () => {
  test.each([
    { name: 'by reason, 中文', lang: 'zh', err: { reason: 'login.invalid' }, want: '用户名或密码错误。' },
    { name: 'by reason, English', lang: 'en', err: { reason: 'login.invalid' }, want: 'Wrong user name or password.' },
    { name: 'params fill placeholders', lang: 'zh', err: { reason: 'login.throttled', params: { seconds: '42' } }, want: '登录失败次数过多，请 42 秒后再试。' },
    { name: 'params fill placeholders, English', lang: 'en', err: { reason: 'password.short', params: { min: '8' } }, want: 'The password must have at least 8 characters.' },
    { name: 'a role param is shown by its name', lang: 'zh', err: { reason: 'auth.role', params: { role: 'admin' } }, want: '此操作需要“管理员”角色。' },
    { name: 'the field fills {field}', lang: 'en', err: { reason: 'param.invalid', field: 'limit' }, want: 'The parameter “limit” is not valid.' },
    { name: 'a missing param falls back to the message', lang: 'zh', err: { reason: 'group.unknown' }, want: 'the English message' },
    { name: 'an unknown reason falls back to the message', lang: 'zh', err: { reason: 'release.someday' }, want: 'the English message' },
    { name: 'a lock names its holder', lang: 'zh', err: { reason: 'release.locked', params: { holder: 'admin' } }, want: 'admin 正在操作此发布；同一时间一个发布只允许一人操作。' },
    {
      name: 'an operation and a state are shown by their names',
      lang: 'zh',
      err: { reason: 'release.transition', params: { operation: 'rollback', state: 'ENDED' } },
      want: '发布当前处于“结束”状态，不能“执行回滚”。',
    },
    {
      name: 'a never executed release is 未执行',
      lang: 'en',
      err: { reason: 'release.transition', params: { operation: 'end', state: '' } },
      want: 'The release is “Not executed”: “End release” is not possible now.',
    },
    { name: 'a generic field reason names the field', lang: 'zh', err: { reason: 'field.required', params: { field: 'group' } }, want: '请填写组。' },
    { name: 'a field outside field.* keeps its name', lang: 'en', err: { reason: 'param.invalid', field: 'name' }, want: 'The parameter “name” is not valid.' },
    { name: 'no reason falls back to the message', lang: 'zh', err: {}, want: 'the English message' },
  ])('$name', ({ lang, err, want }) => {
    expect(translateError(lang as 'zh' | 'en', apiError(err))).toBe(want);
  });

  test('a network failure is translated', () => {
    expect(translateError('zh', ApiError.network(new TypeError('Failed to fetch')))).toBe('无法连接服务器，请检查网络后重试。');
  });

  test('other errors show their message', () => {
    expect(translateError('zh', new Error('boom'))).toBe('boom');
    expect(translateError('en', 'plain')).toBe('plain');
  });
});
