/**
 * The admin page's account actions: "sign out everywhere" and removing an account wait for a
 * confirmation, are sent only online, never for one's own account, and the list and the
 * translated outcome follow the server's answer.
 */
import { describe, expect, it } from 'vitest';
import { AdminUsers, type AdminUser } from './admin-users.svelte.ts';

const PEOPLE: AdminUser[] = [
	{ name: 'admin', displayName: 'Adam Admin', roles: ['admin'], memberships: [] },
	{ name: 'chef', displayName: 'Anna Chef', roles: ['manager'], memberships: [{ unitId: 'a1', role: 'manager' }] },
	{ name: 'medarbetare', displayName: 'Mats Medarbetare', roles: ['staff'], memberships: [] },
];

type Call = { method: string; url: string; body?: unknown };
type Answer = { status: number; body: unknown };

/** A fake admin API: the user list on GET, `answer(call)` for everything else. */
function setup(opts: { online?: boolean; answer?: (call: Call) => Answer } = {}) {
	const calls: Call[] = [];
	let online = opts.online ?? true;
	const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
		const call: Call = { method: init?.method ?? 'GET', url };
		if (init?.body) call.body = JSON.parse(String(init.body));
		calls.push(call);
		if (!online) throw new TypeError('Failed to fetch');
		const { status, body } =
			call.method === 'GET'
				? { status: 200, body: PEOPLE }
				: (opts.answer?.(call) ?? { status: 200, body: { ok: true } });
		return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
	};
	const admin = new AdminUsers(null, { fetch, online: () => online, me: () => 'admin' });
	return { admin, calls, setOnline: (value: boolean) => (online = value) };
}

const person = (admin: AdminUsers, name: string): AdminUser => {
	const found = admin.users.find((u) => u.name === name);
	if (!found) throw new Error(`${name} is not listed`);
	return found;
};

describe('AdminUsers account actions', () => {
	it('signs a person out everywhere only once confirmed, and says so', async () => {
		const { admin, calls } = setup();
		await admin.load();
		admin.ask('signOut', person(admin, 'chef'));
		expect(admin.confirming).toMatchObject({ action: 'signOut', user: { name: 'chef' } });
		expect(calls.filter((c) => c.method !== 'GET')).toEqual([]);
		await admin.confirm();
		expect(calls.at(-1)).toEqual({ method: 'POST', url: '/api/admin/users/chef/sign-out' });
		expect(admin.confirming).toBeNull();
		expect(admin.feedback).toBe('Anna Chef är utloggad på alla enheter.');
		expect(admin.error).toBeNull();
		expect(admin.users.map((u) => u.name)).toEqual(['admin', 'chef', 'medarbetare']);
	});

	it('removes an account once confirmed, and takes the person off the list', async () => {
		const { admin, calls } = setup();
		await admin.load();
		admin.ask('remove', person(admin, 'medarbetare'));
		await admin.confirm();
		expect(calls.at(-1)).toEqual({ method: 'DELETE', url: '/api/admin/users/medarbetare' });
		expect(admin.users.map((u) => u.name)).toEqual(['admin', 'chef']);
		expect(admin.feedback).toBe('Kontot för Mats Medarbetare är borttaget.');
	});

	it('sends nothing when the admin cancels', async () => {
		const { admin, calls } = setup();
		await admin.load();
		admin.ask('remove', person(admin, 'chef'));
		admin.cancel();
		expect(admin.confirming).toBeNull();
		await admin.confirm();
		expect(calls.map((c) => c.method)).toEqual(['GET']);
		expect(admin.users).toHaveLength(3);
	});

	it('offers no account action on the admin’s own account', async () => {
		const { admin, calls } = setup();
		await admin.load();
		expect(admin.isSelf('admin')).toBe(true);
		expect(admin.isSelf('chef')).toBe(false);
		admin.ask('remove', person(admin, 'admin'));
		expect(admin.confirming).toBeNull();
		await admin.confirm();
		expect(calls.map((c) => c.method)).toEqual(['GET']);
	});

	it('offline, sends nothing and says the network is needed; the list stays', async () => {
		const { admin, calls, setOnline } = setup();
		await admin.load();
		setOnline(false);
		expect(admin.online).toBe(false);
		admin.ask('remove', person(admin, 'chef'));
		await admin.confirm();
		expect(calls.map((c) => c.method)).toEqual(['GET']);
		expect(admin.error).toBe('Ingen kontakt med servern. Det här kräver nät – försök igen när enheten är online.');
		expect(admin.users).toHaveLength(3);
	});

	it('translates refusals: the own account, a person already gone (the list follows), a denied admin', async () => {
		const self = setup({
			answer: () => ({ status: 400, body: { error: 'bad_request', reason: 'You cannot remove your own account.' } }),
		});
		await self.admin.load();
		self.admin.ask('remove', person(self.admin, 'chef'));
		await self.admin.confirm();
		expect(self.admin.error).toBe('Du kan inte ta bort ditt eget konto.');

		const gone = setup({ answer: () => ({ status: 404, body: { error: 'not_found', reason: 'No such user.' } }) });
		await gone.admin.load();
		gone.admin.ask('signOut', person(gone.admin, 'medarbetare'));
		await gone.admin.confirm();
		expect(gone.admin.error).toBe('Mats Medarbetare finns inte längre. Listan är uppdaterad.');
		expect(gone.admin.users.map((u) => u.name)).toEqual(['admin', 'chef']);
		expect(gone.admin.feedback).toBe('');

		const denied = setup({
			answer: () => ({ status: 403, body: { error: 'forbidden', reason: 'Only an administrator may do this.' } }),
		});
		await denied.admin.load();
		denied.admin.ask('signOut', person(denied.admin, 'chef'));
		await denied.admin.confirm();
		expect(denied.admin.error).toBe('Du har inte behörighet till detta.');
	});

	it('reports a failed load offline, with the online-only text', async () => {
		const { admin } = setup({ online: false });
		await admin.load();
		expect(admin.loaded).toBe(false);
		expect(admin.error).toBe('Ingen kontakt med servern. Det här kräver nät – försök igen när enheten är online.');
	});

	it('changes a membership and names it', async () => {
		const updated = { ...PEOPLE[2], roles: ['staff'], memberships: [{ unitId: 'b1', role: 'staff' }] };
		const { admin, calls } = setup({ answer: () => ({ status: 200, body: updated }) });
		await admin.load();
		await admin.setMembership(person(admin, 'medarbetare'), 'b1', 'staff');
		expect(calls.at(-1)).toEqual({
			method: 'PUT',
			url: '/api/admin/users/medarbetare/memberships',
			body: [{ unitId: 'b1', role: 'staff' }],
		});
		expect(person(admin, 'medarbetare').memberships).toEqual([{ unitId: 'b1', role: 'staff' }]);
		expect(admin.feedback).toBe('Mats Medarbetare är nu medarbetare i b1.');
	});
});
