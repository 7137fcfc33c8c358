import { describe, expect, test } from 'vitest';
import { ApiError } from '../../api/error';
import { translateError } from '../../i18n/errors';
import { translator } from '../../i18n/messages';
import {
  changedPaths,
  checkForm,
  emptyForm,
  errorsOf,
  fieldMessages,
  formOf,
  issueError,
  parseWeight,
  placementOf,
  problemsOf,
  specOf,
  touches,
  type Check,
  type ReleaseFormValues,
} from './form';

/** The form the e2e fills: gateway entry, two services, blue-green and a 30 % gray. */
function filled(over: Partial<ReleaseFormValues> = {}): ReleaseFormValues {
  return {
    ...emptyForm(),
    name: 'order-v2',
    group: 'discovery-guide-group',
    app: 'discovery-guide-gateway',
    services: ['discovery-guide-service-a', 'discovery-guide-service-b'],
    blueGreenEnabled: true,
    greenExpression: "#H['user-type'] == 'normal'",
    blueExpression: "#H['user-type'] == 'vip'",
    grayEnabled: true,
    grayConditions: [{ expression: '', weight: '30' }],
    ...over,
  };
}

const issues = (v: ReleaseFormValues, check: Check) => checkForm(v, check).map((i) => `${i.field} ${i.reason}`);

describe('checkForm', () => {
  test.each<{ name: string; over: Partial<ReleaseFormValues>; check: Check; want: string[] }>([
    { name: 'the filled form is right for every operation', over: {}, check: 'release', want: [] },
    { name: 'fallback with the filled form', over: {}, check: 'fallback', want: [] },
    {
      name: 'green and blue must differ (spaces around are refused too, not trimmed)',
      over: { blueExpression: "  #H['user-type'] == 'normal' " },
      check: 'fallback',
      want: ['spec.blueExpression expression.space', 'spec.blueExpression bluegreen.same'],
    },
    {
      name: 'green and blue must both be filled',
      over: { greenExpression: ' ', blueExpression: '' },
      check: 'release',
      want: ['spec.greenExpression bluegreen.expression.empty', 'spec.blueExpression bluegreen.expression.empty'],
    },
    { name: 'an unticked blue-green section is not checked', over: { blueGreenEnabled: false, blueExpression: '' }, check: 'release', want: [] },
    {
      name: 'gray conditions are unique, at most one empty',
      over: {
        grayConditions: [
          { expression: '', weight: '30' },
          { expression: "#H['a'] == '1'", weight: '10' },
          { expression: "#H['a'] == '1'", weight: '20' },
          { expression: '', weight: '40' },
        ],
      },
      check: 'release',
      want: ['spec.grayConditions[2].expression gray.same', 'spec.grayConditions[3].expression gray.basic.multiple'],
    },
    {
      name: 'weights are integers from 0 to 100, as typed: refused, never clamped or rounded',
      over: {
        grayConditions: ['101', '1000', '-5', '10.5', 'abc', '', ' 10', '1e1', '0', '100', '007'].map((weight, i) => ({ expression: `#H['n'] == '${i}'`, weight })),
      },
      check: 'release',
      want: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `spec.grayConditions[${i}].weight gray.weight.range`),
    },
    { name: 'gray on but no condition', over: { grayConditions: [] }, check: 'release', want: ['spec.grayConditions gray.none'] },
    { name: 'release needs blue-green or gray', over: { blueGreenEnabled: false, grayEnabled: false }, check: 'release', want: ['spec.blueGreenEnabled release.conditions.none'] },
    { name: 'fallback needs no condition', over: { blueGreenEnabled: false, grayEnabled: false }, check: 'fallback', want: [] },
    { name: 'rollback does not check the conditions', over: { blueExpression: '' }, check: 'rollback', want: [] },
    { name: 'end does not check the conditions', over: { blueExpression: "#H['user-type'] == 'normal'" }, check: 'end', want: [] },
    { name: 'but a weight is refused whatever the operation (the server would)', over: { grayConditions: [{ expression: '', weight: '101' }] }, check: 'end', want: ['spec.grayConditions[0].weight gray.weight.range'] },
    { name: 'operations need services', over: { services: [] }, check: 'end', want: ['spec.services service.empty'] },
    { name: 'a draft may have no services yet', over: { services: [] }, check: 'save', want: [] },
    {
      name: 'services: not the app, not twice',
      over: { services: ['discovery-guide-service-a', 'discovery-guide-gateway', 'discovery-guide-service-a'] },
      check: 'save',
      want: ['spec.services[1] service.app', 'spec.services[2] service.duplicate'],
    },
    {
      name: 'the app is any service with global subscription',
      over: { subscription: 'GLOBAL', services: ['discovery-guide-gateway'] },
      check: 'save',
      want: [],
    },
    { name: 'an untouched gray row is not sent while gray is off', over: { grayEnabled: false, grayConditions: [{ expression: '', weight: '' }] }, check: 'release', want: [] },
    {
      name: 'a gray row that is sent needs its weight, even while gray is off (an empty weight is never sent as 0)',
      over: { grayEnabled: false, grayConditions: [{ expression: 'x', weight: '' }] },
      check: 'save',
      want: ['spec.grayConditions[0].weight gray.weight.range'],
    },
    { name: 'a wrong weight is wrong whatever is enabled', over: { grayEnabled: false, grayConditions: [{ expression: 'x', weight: '300' }] }, check: 'save', want: ['spec.grayConditions[0].weight gray.weight.range'] },
    {
      name: 'the inner header: spaces around a name or a value are refused whatever is enabled (需要首尾判断是否有空格)',
      over: { headerEnabled: false, headerRows: [{ key: ' user-type ', value: 'vip' }, { key: 'region', value: 'north ' }] },
      check: 'save',
      want: ['spec.header[0].key header.name.space', 'spec.header[1].value header.value.space'],
    },
    {
      name: 'a gray condition of spaces only is not the empty one',
      over: { grayConditions: [{ expression: '  ', weight: '10' }] },
      check: 'end',
      want: ['spec.grayConditions[0].expression expression.space'],
    },
    {
      name: 'inner header: names and values filled and unique; a spare row is ignored',
      over: {
        headerEnabled: true,
        headerRows: [
          { key: 'user', value: ' ' },
          { key: ' ', value: 'x' },
          { key: 'user', value: 'vip' },
          { key: '', value: '' },
        ],
      },
      check: 'fallback',
      want: ['spec.header[0].value header.value.empty', 'spec.header[1].key header.name.empty', 'spec.header[2].key header.name.duplicate'],
    },
  ])('$name', ({ over, check, want }) => {
    expect(issues(filled(over), check)).toEqual(want);
  });

  test('a header with spaces says what it would be without them', () => {
    const [issue] = checkForm(filled({ headerEnabled: true, headerRows: [{ key: ' user-type ', value: 'vip' }] }), 'release');
    expect(issue).toEqual({ field: 'spec.header[0].key', reason: 'header.name.space', params: { value: ' user-type ', trimmed: 'user-type' } });
    expect(translateError('zh', issueError(issue))).toBe('参数名首尾有空格（需要首尾判断是否有空格）：去掉空格后为“user-type”。');
    expect(translateError('en', issueError(issue))).toBe('The name starts or ends with spaces; without them it is “user-type”.');
  });

  test("the weight's message is the seed's", () => {
    const [issue] = checkForm(filled({ grayConditions: [{ expression: '', weight: '10.5' }] }), 'release');
    expect(translateError('zh', issueError(issue))).toBe('只允许输入0<=灰度权重<=100的整数值');
    expect(translateError('en', issueError(issue))).toBe('Only an integer with 0 <= gray weight <= 100 is allowed');
  });
});

describe('parseWeight', () => {
  test.each([
    ['0', 0],
    ['10', 10],
    ['100', 100],
    ['007', 7],
    ['101', undefined],
    ['1000', undefined],
    ['-5', undefined],
    ['10.5', undefined],
    ['10.0', undefined],
    ['abc', undefined],
    ['', undefined],
    [' 10', undefined],
    ['1e1', undefined],
    ['+5', undefined],
  ])('%j → %j', (text, want) => {
    expect(parseWeight(text)).toBe(want);
  });
});

describe('specOf', () => {
  test('sends what people typed: nothing is trimmed (the checks refuse spaces instead)', () => {
    const spec = specOf(
      filled({
        greenExpression: " #H['user-type'] == 'normal' ",
        headerEnabled: true,
        headerRows: [
          { key: ' user-type ', value: ' vip ' },
          { key: '', value: '' },
        ],
      }),
    );
    expect(spec.greenExpression).toBe(" #H['user-type'] == 'normal' ");
    expect(spec.header).toEqual({ ' user-type ': ' vip ' });
    expect(spec.grayConditions).toEqual([{ expression: '', weight: 30 }]);
  });

  test('an untouched gray row is not saved while gray is off; a weight that is not one is never sent as a number the server would take', () => {
    expect(specOf({ ...emptyForm(), services: ['a'] }).grayConditions).toEqual([]);
    expect(specOf({ ...emptyForm(), grayConditions: [{ expression: 'x', weight: '' }] }).grayConditions).toEqual([{ expression: 'x', weight: -1 }]);
    expect(specOf({ ...emptyForm(), grayConditions: [{ expression: 'x', weight: '10.5' }] }).grayConditions).toEqual([{ expression: 'x', weight: -1 }]);
  });

  test('formOf and specOf round-trip a stored release', () => {
    const v = filled({ headerEnabled: true, headerRows: [{ key: 'user-type', value: 'vip' }] });
    const spec = specOf(v);
    const back = formOf({ name: v.name, description: '', subscription: 'PARTIAL', group: v.group!, app: v.app!, spec });
    expect(specOf(back)).toEqual(spec);
  });
});

describe('where errors go', () => {
  const v = filled({ headerRows: [{ key: 'user', value: '' }] });

  test.each([
    { field: 'spec.greenExpression', want: { name: ['greenExpression'] } },
    { field: 'spec.blueExpression', want: { name: ['blueExpression'] } },
    { field: 'spec.grayConditions[1].expression', want: { name: ['grayConditions', 1, 'expression'] } },
    { field: 'spec.grayConditions[0].weight', want: { name: ['grayConditions', 0, 'weight'] } },
    { field: 'spec.grayConditions', want: { name: ['grayEnabled'] } },
    { field: 'spec.blueGreenEnabled', want: { name: ['blueGreenEnabled'] } },
    { field: 'spec.services', want: { name: ['services'] } },
    { field: 'spec.services[1]', want: { name: ['services'], prefix: 'discovery-guide-service-b' } },
    { field: 'spec.sort', want: { name: ['sort'] } },
    { field: 'spec.header.user', want: { name: ['headerRows', 0, 'value'] } },
    { field: 'spec.header.user', reason: 'header.name.space', want: { name: ['headerRows', 0, 'key'] } },
    { field: 'spec.header.other', want: { name: ['headerEnabled'] } },
    { field: 'spec.header[0].key', want: { name: ['headerRows', 0, 'key'] } },
    { field: 'name', want: { name: ['name'] } },
    { field: 'app', want: { name: ['app'] } },
    { field: 'operation', want: undefined },
    { field: undefined, want: undefined },
  ])('$field $reason', ({ field, reason, want }: { field?: string; reason?: string; want: unknown }) => {
    expect(placementOf(field, v, reason)).toEqual(want);
  });

  test("the server's name of a header with spaces finds its row as typed", () => {
    const spaced = filled({ headerRows: [{ key: 'a', value: '1' }, { key: ' user-type ', value: 'vip' }] });
    expect(placementOf('spec.header. user-type ', spaced, 'header.name.space')).toEqual({ name: ['headerRows', 1, 'key'] });
  });

  test('every field error of a response is shown on its field, in the user’s language', () => {
    const body = {
      error: {
        code: 'invalid',
        message: 'first',
        field: 'spec.services[1]',
        reason: 'service.app',
        details: [
          { field: 'spec.services[1]', reason: 'service.app', message: 'a', params: { field: 'spec.services[1]' } },
          { field: 'spec.blueExpression', reason: 'bluegreen.same', message: 'b' },
          { field: 'spec.grayConditions[0].weight', reason: 'gray.weight.range', message: 'c' },
          { field: 'spec.grayConditions[0].weight', reason: 'gray.weight.range', message: 'd' },
          { field: 'spec', reason: 'release.build', message: 'e' },
        ],
      },
    };
    const err = ApiError.fromResponse(new Response(null, { status: 400 }), body);
    const { placed, unplaced } = fieldMessages(errorsOf(err), filled(), (e) => translateError('zh', e));
    expect(placed).toEqual([
      { name: ['services'], errors: ['discovery-guide-service-b: 这是发布的入口应用，参与发布的服务列表中不能包含它。'] },
      { name: ['blueExpression'], errors: ['绿条件和蓝条件不能相同。'] },
      { name: ['grayConditions', 0, 'weight'], errors: ['只允许输入0<=灰度权重<=100的整数值'] },
    ]);
    expect(unplaced.map((e) => e.reason)).toEqual(['release.build']);
  });

  test('client issues are translated like server errors', () => {
    const [issue] = checkForm(filled({ blueExpression: "#H['user-type'] == 'normal'" }), 'fallback');
    expect(translateError('en', issueError(issue))).toBe('The green and the blue conditions must differ.');
    expect(translateError('zh', issueError(issue))).toBe('绿条件和蓝条件不能相同。');
  });

  test('an error without details is its own only detail', () => {
    const err = new ApiError(409, { code: 'conflict', message: 'm', reason: 'release.locked', params: { holder: 'admin' } });
    expect(errorsOf(err)).toEqual([err]);
  });
});

describe('the dialog before an operation', () => {
  test('lists every problem with its field, in the form’s order, in the user’s language', () => {
    const v = filled({
      blueExpression: "#H['user-type'] == 'normal'",
      grayConditions: [
        { expression: '', weight: '101' },
        { expression: "#H['a'] == '1'", weight: 'abc' },
      ],
      headerEnabled: true,
      headerRows: [{ key: ' user-type ', value: 'vip' }],
    });
    const list = checkForm(v, 'release').map(issueError);
    const t = translator('zh');
    const problems = problemsOf(list, v, (e) => translateError('zh', e), t);
    expect(problems).toEqual([
      { label: '蓝条件', message: '绿条件和蓝条件不能相同。' },
      { label: '灰度权重（第 1 行）', message: '只允许输入0<=灰度权重<=100的整数值' },
      { label: '灰度权重（第 2 行）', message: '只允许输入0<=灰度权重<=100的整数值' },
      { label: '内置参数名（第 1 行）', message: '参数名首尾有空格（需要首尾判断是否有空格）：去掉空格后为“user-type”。' },
    ]);
  });

  test("a service's message names it once", () => {
    const v = filled();
    const err = new ApiError(409, { code: 'conflict', message: 'm', field: 'spec.services[1]', reason: 'service.offline', params: { service: 'discovery-guide-service-b' } });
    const [p] = problemsOf([err], v, (e) => translateError('zh', e), translator('zh'));
    expect(p.message).toBe('服务 discovery-guide-service-b 没有在线实例，因此没有版本：请启动它或将其从发布中移除。');
    const { placed } = fieldMessages([err], v, (e) => translateError('zh', e));
    expect(placed[0].errors).toEqual(['服务 discovery-guide-service-b 没有在线实例，因此没有版本：请启动它或将其从发布中移除。']);
  });
});

describe('changedPaths and touches', () => {
  test('a header value typed is that field, not its row or the name beside it', () => {
    const paths = changedPaths({ headerRows: [{ value: 'vip' }] });
    expect(paths).toEqual([['headerRows', 0, 'value']]);
    expect(touches(['headerRows', 0, 'value'], paths)).toBe(true);
    expect(touches(['headerRows', 0], paths)).toBe(true); // a row's error goes with its field
    expect(touches(['headerRows', 0, 'key'], paths)).toBe(false);
    expect(touches(['headerRows', 1, 'value'], paths)).toBe(false);
  });
  test('the second row, a plain field, a cleared list, a list replaced', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(changedPaths({ headerRows: [, { key: 'a' }] })).toEqual([['headerRows', 1, 'key']]);
    expect(changedPaths({ name: '' })).toEqual([['name']]);
    expect(changedPaths({ services: [] })).toEqual([['services']]);
    const replaced = changedPaths({ services: ['a', 'b'] });
    expect(touches(['services'], replaced)).toBe(true);
    expect(touches(['name'], replaced)).toBe(false);
    expect(changedPaths({})).toEqual([]);
  });
});
