import type { Advisory } from '../../src/core/advisories/types.ts';

/**
 * The core of the example privastream advisory (path traversal, PyPI; branch 1.0.x fixed in 1.0.4, < 1.0 won't fix),
 * shared by the unit examples (golden files) and the integration fixtures. A fresh object per call, so no test can
 * change another's copy.
 */
export const privastreamPathTraversal = (): Pick<Advisory, 'title' | 'summary' | 'cwe_ids' | 'cvss' | 'affected'> => ({
  title: 'Path traversal in the recording download endpoint',
  summary: 'Crafted recording names let an unauthenticated client read files outside the media directory.',
  cwe_ids: ['CWE-22'],
  cvss: { v3: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', v4: null },
  affected: [
    {
      ecosystem: 'PyPI',
      package: 'privastream',
      branches: [
        { branch: '1.0.x', status: 'fixed', fixed: '1.0.4' },
        { branch: '< 1.0', status: 'wont-fix', last_affected: '0.9.2' },
      ],
    },
  ],
});
