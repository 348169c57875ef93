/**
 * Proof that the sync server's ok for a pushed document leaves only after the document is on
 * disk (decision 0023): Trygg's server on the embedded store runs under Debian's strace, one
 * document is pushed, and the trace must show, in this order, LevelDB's write of the document
 * to its log, the fdatasync of that log returning, and only then the HTTP answer carrying the
 * document's new revision. Prints the three syscalls and exits 1 if the order is not so.
 * Run: `node bench/durable-strace.ts` (needs strace: `apt-get install strace`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { json, request } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
const dir = await mkdtemp(path.join(tmpdir(), 'trygg-strace-'));
const trace = path.join(dir, 'trace.log');
const port = 20_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;

// -f threads (LevelDB writes on libuv's pool), -tt start times, -T durations, -y paths of fds.
const proc = spawn(
	'strace',
	[
		'-f',
		'-tt',
		'-T',
		'-y',
		'-s',
		'4096',
		'-e',
		'trace=write,writev,fdatasync,fsync',
		'-o',
		trace,
		process.execPath,
		path.join(root, 'sync-server/src/main.ts'),
	],
	{
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', TRYGG_DATA_DIR: path.join(dir, 'data') },
		stdio: ['ignore', 'ignore', 'inherit'],
	},
);

try {
	for (let i = 0; ; i++) {
		try {
			if ((await request(`${base}/api/health`)).status === 200) break;
		} catch {
			if (i > 600) throw new Error('the server did not come up');
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	const signIn = await new Promise<string>((resolve, reject) => {
		fetch(`${base}/db/_session`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'chef', password: 'trygg-demo' }),
		}).then((res) => resolve((res.headers.get('set-cookie') ?? '').split(';')[0] ?? ''), reject);
	});
	const id = `round:strace-${Date.now().toString(36)}`;
	const stamp = new Date().toISOString();
	const [result] = await json<{ id: string; rev?: string }[]>(`${base}/db/unit-a1/_bulk_docs`, {
		method: 'POST',
		cookie: signIn,
		body: JSON.stringify({
			docs: [
				{
					_id: id,
					type: 'round',
					scope: 'unit-a1',
					unitId: 'a1',
					templateId: 'template:physical.v1',
					templateVersion: 1,
					date: stamp.slice(0, 10),
					status: 'planned',
					participants: [],
					createdBy: 'chef',
					createdAt: stamp,
					updatedAt: stamp,
				},
			],
		}),
	});
	if (!result?.rev) throw new Error(`push refused: ${JSON.stringify(result)}`);
	// Stop the server itself (strace's child); strace ends with it and has written the trace.
	const exited = new Promise((r) => proc.once('exit', r));
	const server = (await readFile(`/proc/${proc.pid}/task/${proc.pid}/children`, 'utf8')).trim().split(/\s+/)[0];
	process.kill(Number(server), 'SIGTERM');
	await exited;

	type Call = { line: number; text: string; start: number; end: number; name: string; file: string };
	const calls: Call[] = (await readFile(trace, 'utf8')).split('\n').flatMap((text, line) => {
		const m = /^\d+\s+(\d+):(\d+):(\d+\.\d+) (\w+)\((\d+)<([^>]*)>.*<(\d+\.\d+)>$/.exec(text);
		if (!m) return [];
		const start = (Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3]);
		return [{ line, text, start, end: start + Number(m[7]), name: m[4] as string, file: m[6] as string }];
	});
	const logWrite = calls.find((c) => c.name === 'write' && /unit-a1\/\d+\.log$/.test(c.file) && c.text.includes(id));
	const sync =
		logWrite && calls.find((c) => c.line > logWrite.line && c.name === 'fdatasync' && c.file === logWrite.file);
	const answer = calls.find(
		(c) => /^(write|writev)$/.test(c.name) && c.file.startsWith('socket:') && c.text.includes(result.rev as string),
	);
	const show = (label: string, c: Call | undefined): void => {
		process.stdout.write(`${label.padEnd(16)} ${c ? c.text.slice(0, 150) : '(not found)'}\n`);
	};
	show('document → log', logWrite);
	show('log synced', sync);
	show('ok to the client', answer);
	const ordered = logWrite && sync && answer && logWrite.end <= sync.start && sync.end <= answer.start;
	process.stdout.write(
		ordered
			? `in order: fdatasync returned ${((answer.start - sync.end) * 1000).toFixed(2)} ms before the answer was written\n`
			: 'NOT in order: the answer did not wait for the fdatasync of the document\n',
	);
	process.exitCode = ordered ? 0 : 1;
} finally {
	if (proc.exitCode === null) proc.kill('SIGKILL');
	await rm(dir, { recursive: true, force: true });
}
