import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Ports for services a test starts and binds later (a whole stack binds its
// last port a minute after choosing it). Asking the OS for port 0 is not
// enough: such a port lies in the ephemeral range, where every outgoing
// connection and every "random free port" of the Temporal dev server is
// also taken from, so it can be gone by the time the service binds (CI saw
// EADDRINUSE and a subgraph that never came up). Ports are therefore taken
// below the ephemeral range, where only explicit binds land, and claimed
// with a lock file per port, so parallel test workers never pick the same
// one. A claim lasts as long as the process that made it.

const LOCK_DIR = join(tmpdir(), 'ensemble-ports');
const FIRST = 20_000;

function ephemeralStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && low > FIRST + 1_000) return low;
  } catch {
    // not Linux: IANA's dynamic range
  }
  return 49_152;
}

const LAST = ephemeralStart() - 1;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Claims the port for this process; false when a live process holds it. */
function claim(port: number): boolean {
  const path = join(LOCK_DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: number;
      let age: number;
      try {
        owner = Number(readFileSync(path, 'utf8'));
        age = Date.now() - statSync(path).mtimeMs;
      } catch (gone) {
        if ((gone as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try to create it again
        throw gone;
      }
      // No pid yet: another worker is between creating the file and writing it (or died there long ago).
      if (!owner && age < 60_000) return false;
      if (owner === process.pid || (owner && alive(owner))) return false;
      rmSync(path, { force: true });
    }
  }
  return false;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    // No host: the wildcard address, which conflicts with any bind on the port.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** A port no other test worker will pick and nothing is bound to, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  mkdirSync(LOCK_DIR, { recursive: true });
  const size = LAST - FIRST + 1;
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const port = FIRST + ((start + i) % size);
    if (!claim(port)) continue;
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}
