// Compose's variable interpolation (${VAR}, ${VAR:-default}, ${VAR:?error}, ...),
// reimplemented so the file can be validated as Compose would see it after
// reading `.env`, without a Docker engine.

export interface Reference {
  name: string;
  /** ':-', '-', ':?', '?', ':+', '+' or '' for a bare ${VAR} / $VAR. */
  operator: string;
  /** The default, the error message or the alternative value. */
  argument: string;
  raw: string;
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Every variable reference in a string (the `$$` escape is not one). */
export function references(value: string): Reference[] {
  const found: Reference[] = [];
  for (const match of value.matchAll(REFERENCE)) {
    if (match[0] === '$$') continue;
    const name = match[1] ?? match[4] ?? '';
    found.push({ name, operator: match[2] ?? '', argument: match[3] ?? '', raw: match[0] });
    // A default may itself read a variable: ${WEB_ORIGINS:-http://localhost:${WEB_PORT:-8081}}.
    if (match[3]) found.push(...references(match[3]));
  }
  return found;
}

export interface InterpolationResult<T> {
  value: T;
  /** One line per required variable that was missing, with the file's own message. */
  errors: string[];
}

function interpolateString(value: string, env: Record<string, string | undefined>, path: string, errors: string[]): string {
  return value.replace(REFERENCE, (whole, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const current = env[name];
    const unsetOrEmpty = current === undefined || current === '';
    switch (operator ?? '') {
      case ':-': return unsetOrEmpty ? interpolateString(argument ?? '', env, path, errors) : current!;
      case '-': return current === undefined ? interpolateString(argument ?? '', env, path, errors) : current;
      case ':?':
      case '?':
        if (operator === ':?' ? unsetOrEmpty : current === undefined) {
          errors.push(`${path}: required variable ${name} is missing a value: ${argument ?? ''}`);
          return '';
        }
        return current!;
      case ':+': return unsetOrEmpty ? '' : interpolateString(argument ?? '', env, path, errors);
      case '+': return current === undefined ? '' : interpolateString(argument ?? '', env, path, errors);
      default: return current ?? '';
    }
  });
}

/** Interpolates every string value (not keys, as Compose does) of a parsed compose document. */
export function interpolate<T>(doc: T, env: Record<string, string | undefined>): InterpolationResult<T> {
  const errors: string[] = [];
  const walk = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') return interpolateString(node, env, path, errors);
    if (Array.isArray(node)) return node.map((item, index) => walk(item, `${path}[${index}]`));
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, path ? `${path}.${key}` : key)]));
    }
    return node;
  };
  return { value: walk(doc, '') as T, errors };
}

/** Every reference found in the string values of a document, with where it was found. */
export function allReferences(doc: unknown): Array<Reference & { path: string }> {
  const found: Array<Reference & { path: string }> = [];
  const walk = (node: unknown, path: string): void => {
    if (typeof node === 'string') {
      for (const ref of references(node)) found.push({ ...ref, path });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, `${path}[${index}]`));
    } else if (node && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) walk(item, path ? `${path}.${key}` : key);
    }
  };
  walk(doc, '');
  return found;
}
