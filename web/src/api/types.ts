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
