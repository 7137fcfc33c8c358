// Queries shared by the System pages.
import { api } from '../../api/client';

export const USERS_KEY = ['users'] as const;
export const GROUPS_KEY = ['groups'] as const;
export const TOKENS_KEY = ['tokens'] as const;
export const AUDIT_KEY = ['audit'] as const;

export const fetchUsers = () => api.call(api.client.GET('/api/users'));
export const fetchGroups = () => api.call(api.client.GET('/api/groups'));
