/**
 * The server's layers, enforced: every relative import in server/src is checked against the layer rules
 * below, so a change cannot cross a layer silently. The layers, bottom to top:
 *
 *   model/     plain data types; imports nothing of the server
 *   syntax/    tree-sitter only; a leaf above the model
 *   engine/    runs go and parses its output; no LSP, no syntax
 *   measurement/  joins profile samples to source lines, pure; above syntax, beside engine
 *   features/  one file per LSP feature, pure
 *   fixes/     one file per quick-fix; may use features (never the reverse)
 *   top level  the service, the publisher, the coordinator and server.ts: the wiring that drives the rest
 *
 * check/ is a front end like the server: it may use the service, but not the language server's wiring.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const SOURCE_ROOT = path.join(__dirname, '..', '..', 'server', 'src');

/** For each folder, the folders (or top-level files) of server/src its files may import. */
const ALLOWED: Record<string, readonly string[]> = {
  model: ['model'],
  syntax: ['model', 'syntax'],
  engine: ['model', 'engine'],
  measurement: ['model', 'syntax', 'measurement'],
  // settings.ts is the settings' schema and type; protocol.ts the shapes of the custom LSP messages.
  features: ['model', 'syntax', 'engine', 'measurement', 'features', 'settings.ts', 'protocol.ts'],
  fixes: ['model', 'syntax', 'engine', 'features', 'fixes'],
};

/** Top-level files only the language server's wiring may use. */
const WIRING = ['server.ts', 'analysisCoordinator.ts', 'clientSettings.ts', 'diagnosticsPublisher.ts', 'dependentPackages.ts', 'main.ts'];
const FRONT_ENDS: Record<string, readonly string[]> = { check: WIRING };

interface Import {
  readonly from: string;
  readonly to: string;
}

/** The part of server/src a path belongs to: its first folder, or the file name for a top-level file. */
function layerOf(relativePath: string): string {
  return relativePath.split(path.sep)[0]!;
}

function sourceFiles(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every relative import and re-export of a file (static and dynamic), resolved to a path under server/src. */
function relativeImports(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'(\.[^']*)'/gm)].map((match) => match[1]!);
  return specifiers.map((specifier) => ({
    from: path.relative(SOURCE_ROOT, file),
    to: path.relative(SOURCE_ROOT, path.resolve(path.dirname(file), specifier)),
  }));
}

/** Why an import crosses a layer, or undefined when it is allowed. */
function crossing({ from, to }: Import): string | undefined {
  const fromLayer = layerOf(from);
  const toLayer = layerOf(to.endsWith('.ts') ? to : `${to}.ts`);
  const allowed = ALLOWED[fromLayer];
  if (allowed) {
    return allowed.includes(toLayer) ? undefined : `${from} imports ${to}: ${fromLayer}/ may import only ${allowed.join(', ')}`;
  }
  const forbidden = FRONT_ENDS[fromLayer];
  if (forbidden?.includes(toLayer))
    return `${from} imports ${to}: ${fromLayer}/ is a front end and may not use the language server's wiring`;
  return undefined;
}

describe('import boundaries of server/src', () => {
  const imports = sourceFiles(SOURCE_ROOT).flatMap(relativeImports);

  it('finds the imports it checks', () => {
    // The scan must see the imports it is meant to police, or the check below would pass on nothing.
    assert.ok(imports.some((item) => item.from === path.join('features', 'hover.ts') && item.to.startsWith('model')));
    assert.ok(imports.some((item) => item.from === 'server.ts'));
  });

  it('flags a crossing', () => {
    assert.match(
      crossing({ from: path.join('syntax', 'locateFact.ts'), to: path.join('engine', 'facts') }) ?? '',
      /syntax\/ may import only/,
    );
    assert.match(crossing({ from: path.join('features', 'hover.ts'), to: 'analysisService' }) ?? '', /features\/ may import only/);
    assert.match(crossing({ from: path.join('features', 'codeActions.ts'), to: path.join('fixes', 'textEdits') }) ?? '', /features\//);
    assert.match(crossing({ from: path.join('check', 'runCheck.ts'), to: 'server' }) ?? '', /front end/);
    assert.equal(crossing({ from: path.join('fixes', 'fixService.ts'), to: path.join('features', 'codeActions') }), undefined);
  });

  it('has no import that crosses a layer', () => {
    const crossings = imports.map(crossing).filter((message): message is string => message !== undefined);
    assert.deepEqual(crossings, [], `Imports that cross a layer (see the layer rules at the top of this test):\n${crossings.join('\n')}`);
  });
});
