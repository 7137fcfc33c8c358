// Names for the schema types the pages use. All of them come from the
// generated OpenAPI types: no hand copies of server structures.
import type { components } from './schema';

type Schemas = components['schemas'];

export type User = Schemas['User'];
export type NewUser = Schemas['NewUser'];
export type UserUpdate = Schemas['UserUpdate'];
export type Role = User['role'];
export type Group = Schemas['Group'];
export type NewGroup = Schemas['NewGroup'];
export type GroupUpdate = Schemas['GroupUpdate'];
export type Token = Schemas['Token'];
export type TokenRequest = Schemas['TokenRequest'];
export type IssuedToken = Schemas['IssuedToken'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditPage = Schemas['AuditPage'];
export type AuditOutcome = AuditEntry['outcome'];
export type LoginResponse = Schemas['LoginResponse'];
export type Info = Schemas['Info'];

/** Every role, most powerful first; the Record makes the compiler list a role the server adds. */
const roleOrder: Record<Role, number> = { admin: 0, operator: 1, viewer: 2, agent: 3 };
export const ROLES = (Object.keys(roleOrder) as Role[]).sort((a, b) => roleOrder[a] - roleOrder[b]);

export type Release = Schemas['Release'];
export type ReleaseView = Schemas['ReleaseView'];
export type Refusal = Schemas['Refusal'];
export type ReleaseLock = Schemas['ReleaseLock'];
export type ReleaseSpec = Schemas['ReleaseSpec'];
export type GrayCondition = Schemas['GrayCondition'];
export type NewRelease = Schemas['NewRelease'];
export type ReleaseUpdate = Schemas['ReleaseUpdate'];
export type ReleaseState = Release['state'];
export type ReleaseType = Release['type'];
export type Subscription = Release['subscription'];
export type ReleaseHistory = Schemas['ReleaseHistory'];
export type Operation = Schemas['OperationRequest']['operation'];
export type OperationRequest = Schemas['OperationRequest'];
export type OperationResult = Schemas['OperationResult'];
export type Preview = Schemas['Preview'];
export type RouteView = Schemas['RouteView'];
export type RuleView = Schemas['RuleView'];
export type Topology = Schemas['Topology'];
export type TopologyCondition = Schemas['TopologyCondition'];
export type ServiceInfo = Schemas['ServiceInfo'];
export type ServiceVersions = Schemas['ServiceVersions'];
export type ServiceMetrics = Schemas['ServiceMetrics'];
export type VersionMetrics = Schemas['VersionMetrics'];

/** The operations in the order of the execution buttons (执行兜底, 执行发布, 执行回滚, 结束发布). */
const operationOrder: Record<Operation, number> = { fallback: 0, release: 1, rollback: 2, end: 3 };
export const OPERATIONS = (Object.keys(operationOrder) as Operation[]).sort((a, b) => operationOrder[a] - operationOrder[b]);

/** Every state; '' is a release never executed (未执行). */
const stateOrder: Record<ReleaseState, number> = { '': 0, FALLBACK: 1, RELEASED: 2, ROLLED_BACK: 3, ENDED: 4 };
export const RELEASE_STATES = (Object.keys(stateOrder) as ReleaseState[]).sort((a, b) => stateOrder[a] - stateOrder[b]);

const typeOrder: Record<ReleaseType, number> = { BLUE_GREEN: 0, GRAY: 1, MIXED: 2 };
export const RELEASE_TYPES = (Object.keys(typeOrder) as ReleaseType[]).sort((a, b) => typeOrder[a] - typeOrder[b]);
export type RolloutProgress = Schemas['RolloutProgress'];
