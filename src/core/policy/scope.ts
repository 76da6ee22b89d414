import type { Policy } from './types.ts';

export type ScopeClassification = 'in-scope' | 'out-of-scope' | 'unknown';

/** Where a report's category (a scope item id) falls in the policy's scope. */
export function classifyCategory(policy: Pick<Policy, 'scope'>, categoryId: string | null): ScopeClassification {
  if (categoryId === null) return 'unknown';
  if (policy.scope.in_scope.some((item) => item.id === categoryId)) return 'in-scope';
  if (policy.scope.out_of_scope.some((item) => item.id === categoryId)) return 'out-of-scope';
  return 'unknown';
}
