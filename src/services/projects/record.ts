import type { Policy } from '../../core/policy/types.ts';

export interface ProjectRecord {
  id: string;
  slug: string;
  name: string;
  trackingPrefix: string;
  policy: Policy;
  policyYaml: string;
  hosts: string[];
  createdAt: Date;
  updatedAt: Date;
}

type Row = {
  id: string;
  slug: string;
  name: string;
  tracking_prefix: string;
  policy: unknown;
  policy_yaml: string;
  hosts: string[];
  created_at: Date;
  updated_at: Date;
};

export const toRecord = (r: Row): ProjectRecord => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  trackingPrefix: r.tracking_prefix,
  policy: r.policy as Policy,
  policyYaml: r.policy_yaml,
  hosts: r.hosts ?? [],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

