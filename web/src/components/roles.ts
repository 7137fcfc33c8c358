import type { Role } from '../api/types';

/** Tag colours of the roles: the more a role may do, the warmer; data-plane agents stand apart. */
export const roleColor: Record<Role, string> = { admin: 'gold', operator: 'blue', viewer: 'default', agent: 'purple' };
