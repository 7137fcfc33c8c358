import type { Role } from '../api/types';

/** Tag colours of the roles: the more a role may do, the warmer. */
export const roleColor: Record<Role, string> = { admin: 'gold', operator: 'blue', viewer: 'default' };
