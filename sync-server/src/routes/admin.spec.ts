/**
 * The membership admin API: admin only, validated by the shared schema, CSRF-checked like every
 * write, and a removed membership turns the person's next read of that unit into `revoked`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REVOKED_REASON } from '../../../src/lib/domain/index.ts';
import { adminUsersSchema } from '../../../src/lib/domain/membership.ts';
import type { Harness } from '../test-harness.ts';
import { DEMO_ACCOUNTS } from '../seed/demo.ts';
import { startServer } from '../test-harness.ts';

let h: Harness;
beforeEach(async () => {
	h = await startServer();
});
afterEach(async () => {
	await h.close();
});

const put = (name: string, payload: unknown, cookie: string, headers: Record<string, string> = {}) =>
	h.call({ method: 'PUT', url: `/api/admin/users/${name}/memberships`, payload: payload as object, cookie, headers });

describe('GET /api/admin/users', () => {
	it('lists every user with memberships and no secrets, for an admin only', async () => {
		const res = await h.call({ method: 'GET', url: '/api/admin/users', cookie: await h.signIn('admin') });
		expect(res.statusCode).toBe(200);
		const users = adminUsersSchema.parse(res.json());
		// Sorted by name; the staff accounts of the survey demo among them (issue 13).
		expect(users.map((u) => u.name)).toEqual(DEMO_ACCOUNTS.map((a) => a.name).sort());
		expect(users.map((u) => u.name)).toEqual(
			expect.arrayContaining(['admin', 'arbetstagarrep', 'chef', 'medarbetare12', 'a2-medarbetare4']),
		);
		expect(users.find((u) => u.name === 'skyddsombud')?.memberships).toEqual([{ unitId: 'a1', role: 'safety_rep' }]);
		expect(res.body).not.toMatch(/passwordHash|scrypt|seenScopes/);
		for (const name of ['chef', 'hr', 'skyddsombud', 'medarbetare']) {
			const other = await h.call({ method: 'GET', url: '/api/admin/users', cookie: await h.signIn(name) });
			expect(other.statusCode, name).toBe(403);
		}
		expect((await h.call({ method: 'GET', url: '/api/admin/users' })).statusCode).toBe(401);
	});
});

describe('PUT /api/admin/users/:name/memberships', () => {
	it('replaces the memberships, follows with the roles, and revokes a unit the person synced', async () => {
		const rep = await h.signIn('skyddsombud');
		expect((await h.call({ method: 'GET', url: '/db/unit-a1/_changes', cookie: rep })).statusCode).toBe(200);
		const admin = await h.signIn('admin');

		const removed = await put('skyddsombud', [], admin);
		expect(removed.statusCode).toBe(200);
		expect(removed.json()).toMatchObject({ name: 'skyddsombud', roles: [], memberships: [] });
		const lost = await h.call({ method: 'GET', url: '/db/unit-a1/_changes', cookie: rep });
		expect(lost.statusCode).toBe(403);
		expect(lost.json()).toEqual({ error: 'revoked', reason: REVOKED_REASON });
		const me = (await h.call({ method: 'GET', url: '/api/me', cookie: rep })).json();
		expect(me.scopes.map((s: { scope: string }) => s.scope)).toEqual(['org', 'user-skyddsombud']);

		const back = await put('skyddsombud', [{ unitId: 'a1', role: 'safety_rep' }], admin);
		expect(back.json()).toMatchObject({ roles: ['safety_rep'], memberships: [{ unitId: 'a1', role: 'safety_rep' }] });
		expect((await h.call({ method: 'GET', url: '/db/unit-a1/_changes', cookie: rep })).statusCode).toBe(200);
	});

	it('keeps global roles and grants a new unit at once', async () => {
		const admin = await h.signIn('admin');
		const res = await put('hr', [{ unitId: 'b2', role: 'manager' }], admin);
		expect(res.json()).toMatchObject({ roles: ['hr', 'manager'] });
		const hr = await h.signIn('hr');
		expect((await h.call({ method: 'GET', url: '/db/unit-b2', cookie: hr })).statusCode).toBe(200);
	});

	it.each([
		['not a list', { unitId: 'a1', role: 'manager' }],
		['an unknown role', [{ unitId: 'a1', role: 'admin' }]],
		['a malformed unit id', [{ unitId: '../auth', role: 'staff' }]],
		[
			'two roles in one unit',
			[
				{ unitId: 'a1', role: 'staff' },
				{ unitId: 'a1', role: 'manager' },
			],
		],
		['a unit outside the org tree', [{ unitId: 'zz9', role: 'staff' }]],
		['an extra field', [{ unitId: 'a1', role: 'staff', admin: true }]],
	])('refuses %s with 400 and changes nothing', async (_what, payload) => {
		const admin = await h.signIn('admin');
		const res = await put('medarbetare', payload, admin);
		expect(res.statusCode).toBe(400);
		expect(Object.keys(res.json()).sort()).toEqual(['error', 'reason']);
		const users = adminUsersSchema.parse(
			(await h.call({ method: 'GET', url: '/api/admin/users', cookie: admin })).json(),
		);
		expect(users.find((u) => u.name === 'medarbetare')?.memberships).toEqual([{ unitId: 'a1', role: 'staff' }]);
	});

	it('answers 404 for an unknown user', async () => {
		const res = await put('nobody', [], await h.signIn('admin'));
		expect(res.statusCode).toBe(404);
	});

	it('is admin only', async () => {
		for (const name of ['chef', 'hr', 'skyddsombud']) {
			const res = await put(name, [{ unitId: 'b1', role: 'manager' }], await h.signIn(name));
			expect(res.statusCode, name).toBe(403);
		}
		expect((await put('chef', [], '')).statusCode).toBe(401);
	});

	it('refuses a cross-site write even from an admin', async () => {
		const admin = await h.signIn('admin');
		const res = await put('skyddsombud', [], admin, { origin: 'https://evil.example', host: 'localhost' });
		expect(res.statusCode).toBe(403);
		const site = await put('skyddsombud', [], admin, { 'sec-fetch-site': 'cross-site' });
		expect(site.statusCode).toBe(403);
		const users = adminUsersSchema.parse(
			(await h.call({ method: 'GET', url: '/api/admin/users', cookie: admin })).json(),
		);
		expect(users.find((u) => u.name === 'skyddsombud')?.memberships).toHaveLength(1);
	});
});
