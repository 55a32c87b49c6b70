/**
 * The deploy target kinds a server can name (`deploy <kind> "<target>"`): what each one is
 * (hovers, completion) and what its target must be (the validator). The deploy layer's registry,
 * core/src/deploy/targetKinds.ts, is keyed by the same names, so a kind added here without a
 * target there does not compile.
 */
import { excerpt } from '../text/excerpt';
import type { DeviceCode } from './diagnosticCodes';
import type { ReferenceRefusal } from './references';

/** What checking a target may consult: the validator's path policy for written paths. */
export interface DeployTargetContext {
  checkPath?: (path: string) => ReferenceRefusal | undefined;
}

/** Why a `deploy` line's target cannot be used, as a diagnostic on the target. */
export interface DeployTargetProblem {
  code: DeviceCode;
  message: string;
}

interface DeployKindSpec {
  description: string;
  /** The target as the user would write it, for messages. */
  example: string;
  checkTarget(target: string, context: DeployTargetContext): DeployTargetProblem | undefined;
}

const SPECS = {
  orthanc: {
    description: 'An Orthanc server reached over its REST API (URL)',
    example: '"http://host:8042"',
    checkTarget(target: string): DeployTargetProblem | undefined {
      let url: URL | undefined;
      try {
        url = new URL(target);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        return { code: 'deploy-url', message: `\`${excerpt(target)}\` is not an http:// or https:// URL.` };
      }
      if (url.username || url.password) {
        return { code: 'deploy-credentials', message: 'Do not put credentials in a .pacs file: remove the user name and password from the URL (deploy asks for them).' };
      }
      return undefined;
    },
  },
  folder: {
    description: 'A folder to export the rule files and device table into',
    example: '"path"',
    checkTarget(target: string, context: DeployTargetContext): DeployTargetProblem | undefined {
      const refused = context.checkPath?.(target);
      return refused && { code: refused.code, message: refused.refused };
    },
  },
} satisfies Record<string, DeployKindSpec>;

export type DeployKind = keyof typeof SPECS;

export const DEPLOY_KIND_SPECS: { readonly [K in DeployKind]: DeployKindSpec } = SPECS;

/** Each kind's one-line description. */
export const DEPLOY_KINDS = Object.fromEntries(Object.entries(SPECS).map(([kind, spec]) => [kind, spec.description])) as { readonly [K in DeployKind]: string };

export function isDeployKind(kind: string): kind is DeployKind {
  return Object.prototype.hasOwnProperty.call(SPECS, kind);
}
