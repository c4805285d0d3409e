// Schema pieces every resource's routes share: CodeDeploy's name rules and paging.
import { z } from 'zod';
import { expected, shown } from '../core/input-messages';

const NAME_RULE = '1 to 100 characters, each a letter, a digit or one of . _ + = , @ -';
const NAME_PATTERN = /^[A-Za-z0-9._+=,@-]{1,100}$/;

/** An application, deployment group or deployment config name, as CodeDeploy allows them. */
export const resourceName = z
  .string({ error: expected(`a string of ${NAME_RULE}`) })
  .refine((name) => NAME_PATTERN.test(name), { error: (issue) => `must be ${NAME_RULE} (got ${shown(issue.input)})` });

export const deploymentId = z
  .string({ error: expected('a deployment id like d-AB1CDEF23') })
  .regex(/^d-[A-Z0-9]{9}$/, { error: (issue) => `must look like d-AB1CDEF23 (got ${shown(issue.input)})` });

/** The query of every list: an opaque token from the previous page. */
export const pageQuery = z
  .object({ nextToken: z.string({ error: expected('the nextToken of the previous page') }).min(1).optional() })
  .strict();

/** What every list answers besides its items. */
export const nextTokenField = { nextToken: z.string().optional().describe('Absent on the last page') };
