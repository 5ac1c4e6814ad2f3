/**
 * The part of a package's analysis that the editor keeps after the whole-workspace command: its escape
 * tree, its status-bar counts and its log lines; not the located facts. Pure.
 */
import type { GoSettings } from '../engine/goCommand';
import type { PackageResult } from '../model/analysis';
import type { Annotations } from '../model/annotations';
import type { WorkspacePackageSummary } from '../workspaceWorkerProtocol';
import { escapeTree } from './escapeTree';
import { analysisTimes, heapFactLogLines } from './logLines';
import { heapAllocationCount, notInBuildNotes, statusCounts } from './packageStatus';

export async function workspacePackageSummary(
  result: PackageResult,
  annotations: Annotations,
  go: GoSettings,
  uriOf: (file: string) => string,
): Promise<WorkspacePackageSummary> {
  const { analysis } = result;
  const [tree] = await escapeTree([result], uriOf);
  const notInBuildByUri = notInBuildNotes(result.files.values(), go, uriOf);
  return {
    directory: result.directory,
    status: analysis.status,
    ...(analysis.message !== undefined ? { message: analysis.message } : {}),
    heapAllocations: [...result.files.values()].reduce((sum, file) => sum + heapAllocationCount(file), 0),
    times: analysisTimes(analysis),
    counts: statusCounts(result.files.values(), annotations, uriOf),
    ...(notInBuildByUri ? { notInBuildByUri } : {}),
    ...(tree ? { tree } : {}),
    ...(analysis.missingModules ? { missingModules: analysis.missingModules } : {}),
    verboseLines: analysis.status === 'ok' ? heapFactLogLines(result) : [],
  };
}
