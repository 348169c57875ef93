/**
 * A sync server an e2e file starts itself (on its own port and data folder), for specs that kill,
 * restart or redeploy it, or change accounts the shared server's other specs rely on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export class OwnServer {
	readonly base: string;
	#proc: ChildProcess | undefined;

	/** `offset` above E2E_PORT, so files that run at once never share a port. */
	constructor(offset: number) {
		this.base = `http://localhost:${Number(process.env.E2E_PORT ?? 8181) + offset}`;
	}

	/** Start on `dataDir`, serving `staticDir` (the production build unless told), and wait until it answers. */
	async start(dataDir: string, staticDir = path.join(root, 'build')): Promise<void> {
		this.#proc = spawn(process.execPath, [path.join(root, 'sync-server/src/main.ts')], {
			env: {
				...process.env,
				PORT: new URL(this.base).port,
				TRYGG_DATA_DIR: dataDir,
				TRYGG_STATIC_DIR: staticDir,
				// As the suite's main server: specs count rounds and actions from an empty demo.
				TRYGG_DEMO_HISTORY: 'off',
			},
			stdio: ['ignore', 'ignore', 'inherit'],
		});
		for (let i = 0; i < 200; i++) {
			try {
				if ((await fetch(`${this.base}/api/health`)).ok) return;
			} catch {
				// not up yet
			}
			await new Promise((r) => setTimeout(r, 100));
		}
		throw new Error('the sync server did not start');
	}

	/** Stop it and wait for the exit; SIGKILL is a crash, SIGTERM a clean shutdown. */
	async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
		const proc = this.#proc;
		if (!proc || proc.exitCode !== null) return;
		const exited = new Promise((r) => proc.once('exit', r));
		proc.kill(signal);
		await exited;
	}
}
