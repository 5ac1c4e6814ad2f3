/**
 * Reads a GitHub Actions workflow command back the way the runner does (actions/runner ActionCommand,
 * the inverse of actions/toolkit's command.ts): `::name key=value,key=value::message`, properties split on
 * `,` and at their first `=`, then unescaped; `%3A` and `%2C` only in property values.
 */
export interface WorkflowCommand {
  readonly name: string;
  readonly properties: Record<string, string>;
  readonly message: string;
}

export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  if (!line.startsWith('::')) return undefined;
  const end = line.indexOf('::', 2);
  if (end < 0) return undefined;
  const head = line.slice(2, end);
  const space = head.indexOf(' ');
  const name = space < 0 ? head : head.slice(0, space);
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(',')) {
      const equals = pair.indexOf('=');
      if (equals <= 0) return undefined;
      properties[pair.slice(0, equals)] = unescapeProperty(pair.slice(equals + 1));
    }
  }
  return { name, properties, message: unescapeData(line.slice(end + 2)) };
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}
