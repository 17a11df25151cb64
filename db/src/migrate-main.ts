// The one-shot `migrate` job of a deployment: migrations, then the demo seed
// when SEED_DEMO=1. Runs with the administrative DATABASE_URL.
import { adminUrl } from './connection.ts';
import { migrate } from './migrate.ts';
import { seed } from './seed.ts';

const url = adminUrl();
const applied = await migrate(url, (line) => console.log(line));
console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
if (process.env.SEED_DEMO === '1') {
  const summary = await seed(url);
  console.log(`demo seed: ${summary.total} row(s) inserted`);
}
