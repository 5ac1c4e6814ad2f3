/**
 * The part of a package's analysis that the editor keeps after the whole-workspace command: its escape
 * tree, its status-bar counts and its log lines; not the located facts. Pure.
 */
import type { GoSettings } from '../engine/goCommand';
import type { PackageResult } from '../model/analysis';
import type { Annotations } from '../model/annotations';
import type { AnalysisStatus } from '../model/analysis';
import type { ModuleVersion } from '../model/moduleVersion';
import type { EscapeTreePackageWithFiles, StatusParams } from '../protocol';
import { escapeTree } from './escapeTree';
import { analysisTimes, heapFactLogLines } from './logLines';
import { heapAllocationCount, notInBuildNotes, statusCounts } from './packageStatus';

/** What the editor keeps of one package that the workspace command analysed and no open file needs. */
export interface WorkspacePackageSummary {
  readonly directory: string;
  readonly status: AnalysisStatus;
  /** For every status but `ok`: one line a user can act on. */
  readonly message?: string;
  /** Heap allocations of the package, whatever the annotations (the command's total counts them). */
  readonly heapAllocations: number;
  /** How long the go command ran and its output took to parse, for the log. */
  readonly times: string;
  readonly counts: Pick<StatusParams, 'heapAllocationsByUri' | 'checksByUri'>;
  readonly notInBuildByUri?: Readonly<Record<string, string>>;
  /** Absent when nothing in the package is shown in the tree. */
  readonly tree?: EscapeTreePackageWithFiles;
  /** The modules a build failed for because they are not downloaded (the server offers to download them). */
  readonly missingModules?: readonly ModuleVersion[];
  /** The first heap allocations in the compiler's words, for the log's verbose level. */
  readonly verboseLines: readonly string[];
}

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
