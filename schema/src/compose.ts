// `npm run compose`: regenerate subgraphs/*/schema.graphql and
// schema/supergraph.graphql. `npm run compose -- --check`: regenerate in memory
// and fail (exit 1) when a committed file is stale, for CI. `--from-sdl`
// reads the subgraphs' .graphql files instead of importing src/modules.ts.
import { writeFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { findStaleFiles, generateSchemaFiles } from './composition.ts';
import { REPO_ROOT } from './subgraphs.ts';

async function main(): Promise<number> {
  const check = process.argv.includes('--check');
  const files = await generateSchemaFiles({ fromSdlFiles: process.argv.includes('--from-sdl') });
  const stale = await findStaleFiles(files);
  if (check) {
    if (stale.length === 0) {
      console.log(`schema check: ${files.length} files up to date`);
      return 0;
    }
    console.error(`schema check: ${stale.length} stale file(s); run \`npm run compose\` and commit the result.`);
    for (const file of stale) console.error(`\n${relative(REPO_ROOT, file.path)}\n${file.summary}`);
    return 1;
  }
  const stalePaths = new Set(stale.map((f) => f.path));
  for (const file of files) {
    if (!stalePaths.has(file.path)) continue;
    await writeFile(file.path, file.content);
    console.log(`wrote ${relative(REPO_ROOT, file.path)}`);
  }
  if (stale.length === 0) console.log(`all ${files.length} files already up to date`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
