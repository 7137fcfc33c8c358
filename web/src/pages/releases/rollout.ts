// 执行发布 with 上线新服务 and 结束发布 with 下线旧服务: the choice made in the
// preview dialog, turned into the operation request's deploy / offline.
import type { Operation, OperationRequest } from '../../api/types';

export interface RolloutChoice {
  enabled: boolean;
  /** The new version to deploy (release only). */
  version: string;
  instances: number;
  settleSeconds: number;
}

export const NO_ROLLOUT: RolloutChoice = { enabled: false, version: '', instances: 1, settleSeconds: 2 };

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Which operations may carry a rollout. */
export function rolloutKind(op: Operation): 'deploy' | 'offline' | undefined {
  if (op === 'release') return 'deploy';
  if (op === 'end') return 'offline';
  return undefined;
}

/**
 * The request's deploy or offline for the choice; `problem` names a message
 * key when the choice cannot be sent (refused, never corrected).
 */
export function rolloutRequest(op: Operation, c: RolloutChoice): { body: Pick<OperationRequest, 'deploy' | 'offline'>; problem?: string } {
  const kind = rolloutKind(op);
  if (!kind || !c.enabled) return { body: {} };
  const settle = `${c.settleSeconds}s`;
  if (kind === 'offline') return { body: { offline: { settle } } };
  if (!VERSION.test(c.version)) return { body: {}, problem: 'rollout.version.required' };
  return { body: { deploy: { version: c.version, instances: c.instances, settle } } };
}
