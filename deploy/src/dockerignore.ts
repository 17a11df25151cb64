// .dockerignore matching as BuildKit does it: patterns are paths relative to the
// context, `**` spans directories, `!` re-includes, the last matching pattern
// wins, and a pattern that matches a directory excludes everything under it.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  negated: boolean;
  regex: RegExp;
}

function clean(pattern: string): string {
  return pattern.replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
}

/** A Go filepath.Match pattern (plus `**`) as a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      const slashAfter = glob[i + 2] === '/';
      out += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (c === '*') {
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) {
        out += '\\[';
      } else {
        out += `[${glob.slice(i + 1, end).replace(/^\^|^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += glob[++i]!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

export class DockerIgnore {
  readonly rules: Rule[];

  constructor(text: string) {
    this.rules = text.split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => {
        const negated = line.startsWith('!');
        return { negated, regex: globToRegExp(clean(negated ? line.slice(1).trim() : line)) };
      });
  }

  /** Whether a context-relative path (file or directory) is left out of the build context. */
  ignores(path: string): boolean {
    const parts = clean(path).split('/').filter((p) => p && p !== '.');
    const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
    let ignored = false;
    for (const rule of this.rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = !rule.negated;
    }
    return ignored;
  }

  /** Files under `dir` (context-relative) that reach the build context. */
  files(contextDir: string, dir: string): string[] {
    const found: string[] = [];
    const walk = (relative: string): void => {
      const absolute = join(contextDir, relative);
      if (statSync(absolute).isDirectory()) {
        // An ignored directory may still hold a re-included (`!`) file, so only
        // dependency and VCS trees are pruned outright.
        if (/(^|\/)(node_modules|\.git)$/.test(relative) && this.ignores(relative)) return;
        for (const entry of readdirSync(absolute)) walk(relative ? `${relative}/${entry}` : entry);
      } else if (!this.ignores(relative)) {
        found.push(relative);
      }
    };
    walk(clean(dir));
    return found;
  }
}
