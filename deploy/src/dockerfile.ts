// A small Dockerfile reader: enough of the syntax (continuations, comments,
// flags, JSON and shell forms, stages) to check the files without building them.

export interface Instruction {
  keyword: string;
  /** `--from=deps` → { from: 'deps' }; a bare `--link` → { link: '' }. */
  flags: Record<string, string>;
  /** Arguments after the flags, JSON form decoded; shell form split on whitespace. */
  args: string[];
  /** The text after the keyword and flags, as written (continuations joined). */
  text: string;
  line: number;
}

export interface Stage {
  name?: string;
  base: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Record<string, string>;
  stages: Stage[];
}

function logicalLines(text: string): Array<{ text: string; line: number }> {
  const lines = text.split(/\r?\n/);
  const result: Array<{ text: string; line: number }> = [];
  let current = '';
  let start = 0;
  lines.forEach((raw, index) => {
    const trimmed = raw.trim();
    // Comments and blank lines may sit inside a continued instruction.
    if (trimmed.startsWith('#') || (trimmed === '' && current === '')) return;
    if (current === '') start = index + 1;
    if (trimmed.endsWith('\\')) {
      current += `${trimmed.slice(0, -1)} `;
      return;
    }
    current += trimmed;
    if (current.trim()) result.push({ text: current.trim(), line: start });
    current = '';
  });
  if (current.trim()) result.push({ text: current.trim(), line: start });
  return result;
}

function parseInstruction(text: string, line: number): Instruction {
  const keywordMatch = text.match(/^(\S+)\s*(.*)$/s)!;
  const keyword = keywordMatch[1]!.toUpperCase();
  let rest = keywordMatch[2] ?? '';
  const flags: Record<string, string> = {};
  // HEALTHCHECK and ONBUILD carry their own instruction; flags come first for all.
  for (;;) {
    const flag = rest.match(/^--([a-z-]+)(?:=(\S*))?\s*/);
    if (!flag) break;
    flags[flag[1]!] = flag[2] ?? '';
    rest = rest.slice(flag[0].length);
  }
  let args: string[];
  if (rest.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(rest);
      args = Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? parsed : rest.split(/\s+/);
    } catch {
      args = rest.split(/\s+/);
    }
  } else {
    args = rest.split(/\s+/).filter(Boolean);
  }
  return { keyword, flags, args, text: rest, line };
}

export function parseDockerfile(text: string): Dockerfile {
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const { text: lineText, line } of logicalLines(text)) {
    const instruction = parseInstruction(lineText, line);
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args;
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (instruction.keyword === 'ARG') {
        for (const arg of instruction.args) {
          const [key, ...value] = arg.split('=');
          globalArgs[key!] = value.join('=');
        }
      }
      continue;
    }
    stage.instructions.push(instruction);
  }
  return { globalArgs, stages };
}

/** `${NODE_IMAGE}` → its global ARG default (what `FROM ${NODE_IMAGE}` builds from by default). */
export function resolveBase(dockerfile: Dockerfile, base: string): string {
  return base.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => dockerfile.globalArgs[name] ?? whole);
}

/** Sources of a COPY/ADD that reads the build context (not `--from` another stage or image). */
export function contextSources(instruction: Instruction): string[] {
  if (!['COPY', 'ADD'].includes(instruction.keyword) || 'from' in instruction.flags) return [];
  return instruction.args.slice(0, -1);
}

export function finalStage(dockerfile: Dockerfile): Stage {
  const stage = dockerfile.stages.at(-1);
  if (!stage) throw new Error('Dockerfile has no FROM');
  return stage;
}

/** The last value of a keyword in a stage (USER, CMD, WORKDIR…). */
export function last(stage: Stage, keyword: string): Instruction | undefined {
  return stage.instructions.filter((i) => i.keyword === keyword).at(-1);
}
