/**
 * Photo blobs (architecture §8): `PUT|GET|HEAD /db/:scope/_blobs/:sha256`. Content-addressed per
 * scope: the URL names the SHA-256 of the bytes, the server verifies it, keeps only JPEG, PNG and
 * WebP (by magic bytes, never by the declared type) up to MAX_PHOTO_BYTES, and stores each blob
 * once. Access is the scope's, through the policy module: writing needs a write grant, reading a
 * read grant, so a blob of one unit is never readable or writable from another. A new blob must fit
 * the scope's and the uploader's photo quota (413 with a fixed reason; decision 0017).
 * It never decodes an image and never logs bytes.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, MAX_PHOTO_BYTES, SHA256_RE, isScope, photoMimeOf } from '../../../src/lib/domain/index.ts';
import type { BlobStore } from '../blobs/blob-store.ts';
import type { ServerContext } from '../context.ts';
import { mayRead, mayWrite } from '../policy/access.ts';

/** The same bytes as a plain Uint8Array, without a copy (the DOM-style typings refuse a Buffer). */
function viewOf(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

type BlobParams = { scope: string; sha256: string };

/** A blob never changes under its hash, so the browser may keep it (privately) for good. */
const IMMUTABLE = 'private, max-age=31536000, immutable';

export async function blobRoutes(app: FastifyInstance, opts: { ctx: ServerContext; blobs: BlobStore }): Promise<void> {
	const { ctx, blobs } = opts;

	/** Who is uploading, from the access check before the body was read (for their quota). */
	const uploaders = new WeakMap<FastifyRequest, string>();

	/** Signed in (401), a scope name (404), a grant (403), a digest (400), in that order. */
	async function access(request: FastifyRequest, write: boolean): Promise<BlobParams> {
		const user = await ctx.requireUser(request);
		uploaders.set(request, user.name);
		const { scope, sha256 } = request.params as BlobParams;
		if (!isScope(scope)) throw new AppError('not_found', 'Database does not exist.');
		const grants = await ctx.grants(user);
		if (!(write ? mayWrite(grants, scope) : mayRead(grants, scope))) {
			throw new AppError('forbidden', 'You are not allowed to access this db.');
		}
		if (!SHA256_RE.test(sha256))
			throw new AppError('bad_request', 'The blob name must be a lowercase SHA-256 hex digest.');
		return { scope, sha256 };
	}

	// This plugin takes raw bytes of any declared type: the type is decided by the bytes themselves.
	app.removeAllContentTypeParsers();
	app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

	// Runs after the app's hook that marks every /db answer `no-store`: a stored blob may be cached.
	app.addHook('onSend', async (request, reply, payload) => {
		if ((request.method === 'GET' || request.method === 'HEAD') && reply.statusCode === 200) {
			reply.header('cache-control', IMMUTABLE);
		}
		return payload;
	});

	app.put(
		'/db/:scope/_blobs/:sha256',
		{
			bodyLimit: MAX_PHOTO_BYTES,
			// Check access before the body is read, so nobody without a grant makes the server buffer megabytes.
			onRequest: async (request) => {
				await access(request, true);
			},
		},
		async (request, reply) => {
			const { scope, sha256 } = request.params as BlobParams;
			const body = request.body;
			if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('bad_request', 'The request has no bytes.');
			const bytes = viewOf(body);
			if (!photoMimeOf(bytes)) {
				throw new AppError('unsupported_media', 'Only JPEG, PNG and WebP images are accepted.');
			}
			const actual = createHash('sha256').update(bytes).digest('hex');
			if (actual !== sha256) throw new AppError('bad_request', 'The bytes do not match the SHA-256 in the URL.');
			// Bytes already held take no more room: no quota for them.
			if (await blobs.stat(scope, sha256)) return reply.code(200).send({ ok: true, id: sha256, size: body.length });
			const settle = await ctx.quotas.admitPhoto(scope, uploaders.get(request) ?? '', body.length);
			let created = false;
			try {
				({ created } = await blobs.put(scope, sha256, bytes));
			} finally {
				await settle(created);
			}
			return reply.code(created ? 201 : 200).send({ ok: true, id: sha256, size: body.length });
		},
	);

	// HEAD comes with GET (Fastify answers it from this handler, without the body).
	app.get('/db/:scope/_blobs/:sha256', async (request, reply) => {
		const { scope, sha256 } = await access(request, false);
		const bytes = await blobs.get(scope, sha256);
		if (!bytes) throw new AppError('not_found', 'missing');
		return (
			reply
				.type(photoMimeOf(viewOf(bytes)) ?? 'application/octet-stream')
				.header('etag', `"${sha256}"`)
				// Opened on its own, a blob may run nothing and load nothing.
				.header('content-security-policy', "default-src 'none'; sandbox")
				.send(bytes)
		);
	});
}
