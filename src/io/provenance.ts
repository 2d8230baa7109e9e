import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { projectRoot } from './paths';
import { backendInfo, type BackendInfo } from '../backend';

/** Where a result came from: enough to re-run it and to judge its timings. */
export interface Provenance {
  commit: string;
  /** uncommitted changes in the working tree when the run started */
  dirty: boolean;
  backend?: BackendInfo;
  node: string;
  platform: string;
  cpus: string;
  command: string;
  startedAt: string;
}

function git(args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'ignore'] })
      .toString().trim();
  } catch {
    return undefined;
  }
}

export function provenance(): Provenance {
  const cpus = os.cpus();
  return {
    commit: git(['rev-parse', 'HEAD']) ?? 'unknown (not a git checkout)',
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
    backend: backendInfo(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpus: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
    command: process.argv.slice(1).join(' '),
    startedAt: new Date().toISOString(),
  };
}
