/**
 * go/types' calls of a package, by file and by where each call starts in LSP terms, so a rewrite finds the
 * types of the call its tree-sitter node is (the compiler's UTF-8 byte columns → UTF-16, as facts are placed).
 */
import type { PackageOperandTypes, TypedCall } from '../model/operandTypes';
import type { LspPosition, SourceText } from '../model/positions';
import { compilerToLspPosition } from '../syntax/positions';

export type TypedCallsByStart = ReadonlyMap<string, ReadonlyMap<string, TypedCall>>;

export function startKey(position: LspPosition): string {
  return `${position.line}:${position.character}`;
}

export function typedCallsByStart(types: PackageOperandTypes | undefined, files: ReadonlyMap<string, SourceText>): TypedCallsByStart {
  const byFile = new Map<string, Map<string, TypedCall>>();
  if (types?.status !== 'ok') return byFile;
  for (const call of types.calls) {
    const source = files.get(call.file);
    const start = source && compilerToLspPosition(source, call.line, call.column);
    if (!start) continue;
    let calls = byFile.get(call.file);
    if (!calls) byFile.set(call.file, (calls = new Map()));
    calls.set(startKey(start), call);
  }
  return byFile;
}
