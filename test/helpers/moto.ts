// moto in server mode, for suites that run a handler against real AWS API shapes: started
// on a free port of 127.0.0.1 and stopped (its whole process group) when the suite ends,
// whether the tests pass or fail. No AWS account, no Docker.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';

const MOTO = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'moto_server');

/** A running moto server, and the client configuration that reaches it. */
export interface MotoServer {
  readonly endpoint: string;
  /** Pass to any AWS SDK v3 client. */
  readonly clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, proc: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) {
      throw new Error(`moto_server exited with code ${proc.exitCode} before answering`);
    }
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within 30 s`);
}

/** Starts moto_server from the project's .venv; call `stop()` in `afterAll`. */
export async function startMoto(region = 'us-east-1'): Promise<MotoServer> {
  if (!fs.existsSync(MOTO)) {
    throw new Error(`moto_server not found at ${MOTO}: run \`npx projen python-tools\` to create the Python venv with moto[server]`);
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const proc = spawn(MOTO, ['-H', '127.0.0.1', '-p', String(port)], { detached: true, stdio: 'ignore' });
  const stop = (): void => {
    if (proc.pid && proc.exitCode === null) {
      try {
        process.kill(-proc.pid, 'SIGTERM'); // the whole group: moto may fork workers
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', stop);
  try {
    await waitUntilAnswering(endpoint, proc);
  } catch (e) {
    stop();
    throw e;
  }
  return { endpoint, clientConfig: { endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } }, stop };
}
