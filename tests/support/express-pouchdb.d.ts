// express-pouchdb ships no types; this is the one call we make.
declare module 'express-pouchdb' {
	import type { RequestHandler } from 'express';
	export default function expressPouchDB(db: unknown, options?: Record<string, unknown>): RequestHandler;
}
