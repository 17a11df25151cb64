// `npm run bench -- <name>`: runs bench/src/<name>.bench.ts. Benchmarks are
// never part of `npm test`; each ends with one line `RESULT <name> key=value …`.
import { readdirSync } from 'node:fs';

const name = process.argv[2];
const available = readdirSync(import.meta.dirname).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <${available.join('|')}>`);
  process.exit(2);
}
await import(`./${name}.bench.ts`);
