import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authorize, PERMISSIONS, PROJECT_ROLES, type ProjectAction, type ProjectRole } from '../../../src/core/access/permissions.ts';
import { DomainError } from '../../../src/core/errors.ts';

const expected: Record<ProjectRole, ProjectAction[]> = {
  admin: Object.keys(PERMISSIONS) as ProjectAction[],
  triager: [
    'report:list', 'report:read', 'report:triage', 'report:reply', 'report:note', 'case:manage', 'sla:read', 'scan:create', 'scan:read', 'project:read',
    'quarantine:read', 'quarantine:resolve', 'intake:review', 'sender:block', 'advisory:read', 'advisory:edit', 'bounty:read', 'cve:reserve',
  ],
  viewer: ['report:list', 'report:read', 'sla:read', 'scan:read', 'project:read', 'advisory:read'],
};

for (const role of PROJECT_ROLES) {
  for (const action of Object.keys(PERMISSIONS) as ProjectAction[]) {
    const ok = expected[role].includes(action);
    test(`${role} ${ok ? 'may' : 'may not'} ${action}`, () => {
      const run = () => authorize({ userId: 'u', siteAdmin: false, role }, action);
      if (ok) assert.doesNotThrow(run);
      else assert.throws(run, (e: unknown) => e instanceof DomainError && e.code === 'forbidden');
    });
  }
}

test('anonymous is unauthenticated; a non-member sees not_found; a site admin may do anything', () => {
  assert.throws(() => authorize(null, 'report:read'), (e: unknown) => e instanceof DomainError && e.code === 'unauthenticated');
  assert.throws(() => authorize({ userId: 'u', siteAdmin: false, role: null }, 'report:read'), (e: unknown) => e instanceof DomainError && e.code === 'not_found');
  for (const action of Object.keys(PERMISSIONS) as ProjectAction[]) assert.doesNotThrow(() => authorize({ userId: 'u', siteAdmin: true, role: null }, action));
});
