import { describe, expect, test } from 'vitest';
import { ApiError } from '../../api/error';
import { translateError } from '../../i18n/errors';
import {
  checkForm,
  deletable,
  emptyForm,
  errorsOf,
  fieldMessages,
  formOf,
  issueError,
  OPERATIONS_BY_STATE,
  placementOf,
  specOf,
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
    grayConditions: [{ expression: '', weight: 30 }],
    ...over,
  };
}

const issues = (v: ReleaseFormValues, check: Check) => checkForm(v, check).map((i) => `${i.field} ${i.reason}`);

describe('checkForm', () => {
  test.each<{ name: string; over: Partial<ReleaseFormValues>; check: Check; want: string[] }>([
    { name: 'the filled form is right for every operation', over: {}, check: 'release', want: [] },
    { name: 'fallback with the filled form', over: {}, check: 'fallback', want: [] },
    { name: 'green and blue must differ', over: { blueExpression: "  #H['user-type'] == 'normal' " }, check: 'fallback', want: ['spec.blueExpression bluegreen.same'] },
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
          { expression: '', weight: 30 },
          { expression: "#H['a'] == '1'", weight: 10 },
          { expression: " #H['a'] == '1'", weight: 20 },
          { expression: '', weight: 40 },
        ],
      },
      check: 'release',
      want: ['spec.grayConditions[2].expression gray.same', 'spec.grayConditions[3].expression gray.basic.multiple'],
    },
    {
      name: 'weights are integers from 0 to 100',
      over: {
        grayConditions: [
          { expression: 'a', weight: 101 },
          { expression: 'b', weight: -1 },
          { expression: 'c', weight: 12.5 },
          { expression: 'd', weight: null },
          { expression: 'e', weight: 0 },
          { expression: 'f', weight: 100 },
        ],
      },
      check: 'release',
      want: [
        'spec.grayConditions[0].weight gray.weight.range',
        'spec.grayConditions[1].weight gray.weight.range',
        'spec.grayConditions[2].weight gray.weight.range',
        'spec.grayConditions[3].weight gray.weight.range',
      ],
    },
    { name: 'gray on but no condition', over: { grayConditions: [] }, check: 'release', want: ['spec.grayConditions gray.none'] },
    { name: 'release needs blue-green or gray', over: { blueGreenEnabled: false, grayEnabled: false }, check: 'release', want: ['spec.blueGreenEnabled release.conditions.none'] },
    { name: 'fallback needs no condition', over: { blueGreenEnabled: false, grayEnabled: false }, check: 'fallback', want: [] },
    { name: 'rollback does not check the conditions', over: { blueExpression: '' }, check: 'rollback', want: [] },
    { name: 'end does not check the conditions', over: { grayConditions: [{ expression: '', weight: null }] }, check: 'end', want: [] },
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
    { name: 'an empty weight is fine while gray is off', over: { grayEnabled: false, grayConditions: [{ expression: 'x', weight: null }] }, check: 'release', want: [] },
    { name: 'a wrong weight is wrong whatever is enabled', over: { grayEnabled: false, grayConditions: [{ expression: 'x', weight: 300 }] }, check: 'save', want: ['spec.grayConditions[0].weight gray.weight.range'] },
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
});

describe('specOf', () => {
  test('trims what people type, the inner header included', () => {
    const spec = specOf(
      filled({
        services: [' discovery-guide-service-a '],
        greenExpression: " #H['user-type'] == 'normal' ",
        headerEnabled: true,
        headerRows: [
          { key: ' user-type ', value: ' vip ' },
          { key: '', value: '' },
        ],
      }),
    );
    expect(spec.services).toEqual(['discovery-guide-service-a']);
    expect(spec.greenExpression).toBe("#H['user-type'] == 'normal'");
    expect(spec.header).toEqual({ 'user-type': 'vip' });
    expect(spec.grayConditions).toEqual([{ expression: '', weight: 30 }]);
  });

  test('an untouched gray row is not saved while gray is off', () => {
    expect(specOf({ ...emptyForm(), services: ['a'] }).grayConditions).toEqual([]);
    expect(specOf({ ...emptyForm(), grayConditions: [{ expression: 'x', weight: null }] }).grayConditions).toEqual([{ expression: 'x', weight: 0 }]);
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
    { field: 'spec.header.other', want: { name: ['headerEnabled'] } },
    { field: 'spec.header[0].key', want: { name: ['headerRows', 0, 'key'] } },
    { field: 'name', want: { name: ['name'] } },
    { field: 'app', want: { name: ['app'] } },
    { field: 'operation', want: undefined },
    { field: undefined, want: undefined },
  ])('$field', ({ field, want }) => {
    expect(placementOf(field, v)).toEqual(want);
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
      { name: ['grayConditions', 0, 'weight'], errors: ['灰度权重必须是 0 到 100 之间的整数。'] },
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

describe('states', () => {
  test('operations per state follow the seed', () => {
    expect(OPERATIONS_BY_STATE['']).toEqual(['fallback', 'release']);
    expect(OPERATIONS_BY_STATE.FALLBACK).toEqual(['fallback', 'release', 'end']);
    expect(OPERATIONS_BY_STATE.RELEASED).toEqual(['fallback', 'release', 'rollback', 'end']);
    expect(OPERATIONS_BY_STATE.ROLLED_BACK).toEqual(['fallback', 'release', 'end']);
    expect(OPERATIONS_BY_STATE.ENDED).toEqual([]);
  });

  test('only ended or never executed releases can be deleted', () => {
    expect(['', 'FALLBACK', 'RELEASED', 'ROLLED_BACK', 'ENDED'].filter((s) => deletable(s as never))).toEqual(['', 'ENDED']);
  });
});
