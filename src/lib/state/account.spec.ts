/**
 * Changing one's own password on the device: checked with the shared schema before sending,
 * never sent (or kept) offline, and each refusal of the server shown as translated text.
 */
import { describe, expect, it } from 'vitest';
import { PasswordChange, passwordIssues } from './account.svelte.ts';

type Call = { url: string; method: string | undefined; body: unknown };

/** A fake server: answers every request with `status` and `body` (and Retry-After when given). */
function server(status: number, body: unknown, retryAfter?: string) {
	const calls: Call[] = [];
	const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
		calls.push({ url, method: init?.method, body: init?.body ? JSON.parse(String(init.body)) : undefined });
		return new Response(JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json', ...(retryAfter ? { 'retry-after': retryAfter } : {}) },
		});
	};
	return { fetch, calls };
}

function form(fetch: (url: string, init?: RequestInit) => Promise<Response>, online = true) {
	let changed = 0;
	const state = new PasswordChange({ fetch, online: () => online, onChanged: () => (changed += 1) });
	return { state, changed: () => changed };
}

function fill(state: PasswordChange, password: string, newPassword: string, confirm = newPassword): void {
	state.password = password;
	state.newPassword = newPassword;
	state.confirm = confirm;
}

describe('passwordIssues', () => {
	it('asks for every field, a new password of 10 characters or more, and the same one twice', () => {
		expect(passwordIssues({ password: '', newPassword: '', confirm: '' })).toEqual({
			password: 'required',
			newPassword: 'required',
			confirm: 'required',
		});
		expect(passwordIssues({ password: 'old', newPassword: '123456789', confirm: '123456789' })).toEqual({
			newPassword: 'tooShort',
		});
		expect(passwordIssues({ password: 'old', newPassword: '1234567890', confirm: '1234567891' })).toEqual({
			confirm: 'mismatch',
		});
		expect(
			passwordIssues({ password: 'x'.repeat(501), newPassword: 'y'.repeat(501), confirm: 'y'.repeat(501) }),
		).toEqual({
			password: 'tooLong',
			newPassword: 'tooLong',
		});
		expect(passwordIssues({ password: 'old', newPassword: '1234567890', confirm: '1234567890' })).toEqual({});
	});
});

describe('PasswordChange', () => {
	it('sends the current and the new password once, then empties the form and lets the app go on', async () => {
		const { fetch, calls } = server(200, { ok: true });
		const { state, changed } = form(fetch);
		fill(state, 'trygg-demo', 'ett mycket längre lösenord');
		expect(await state.submit()).toBe(true);
		expect(calls).toEqual([
			{
				url: '/api/me/password',
				method: 'POST',
				body: { password: 'trygg-demo', newPassword: 'ett mycket längre lösenord' },
			},
		]);
		expect(state.done).toBe(true);
		expect(changed()).toBe(1);
		expect([state.password, state.newPassword, state.confirm]).toEqual(['', '', '']);
		expect(state.error).toBeNull();
	});

	it('sends nothing while the form has problems, and names them in Swedish', async () => {
		const { fetch, calls } = server(200, { ok: true });
		const { state, changed } = form(fetch);
		fill(state, '', 'kort', 'annat');
		expect(await state.submit()).toBe(false);
		expect(calls).toEqual([]);
		expect(state.fieldErrors).toEqual({
			password: 'Fyll i ditt nuvarande lösenord.',
			newPassword: 'Det nya lösenordet måste ha minst 10 tecken.',
			confirm: 'Lösenorden är inte likadana.',
		});
		expect(state.firstInvalid).toBe('password');
		fill(state, 'trygg-demo', 'ett mycket längre lösenord', 'ett mycket längre lösenorD');
		expect(await state.submit()).toBe(false);
		expect(state.fieldErrors).toEqual({ confirm: 'Lösenorden är inte likadana.' });
		expect(calls).toEqual([]);
		expect(changed()).toBe(0);
	});

	it('sends nothing offline and cannot be submitted', async () => {
		const { fetch, calls } = server(200, { ok: true });
		const { state } = form(fetch, false);
		fill(state, 'trygg-demo', 'ett mycket längre lösenord');
		expect(state.canSubmit).toBe(false);
		expect(await state.submit()).toBe(false);
		expect(calls).toEqual([]);
		expect(state.done).toBe(false);
	});

	it('shows a wrong current password at its field, the form kept', async () => {
		const { fetch } = server(403, { error: 'forbidden', reason: 'The current password is incorrect.' });
		const { state, changed } = form(fetch);
		fill(state, 'fel', 'ett mycket längre lösenord');
		expect(await state.submit()).toBe(false);
		expect(state.fieldErrors).toEqual({ password: 'Det nuvarande lösenordet stämmer inte.' });
		expect(state.error).toBeNull();
		expect(state.newPassword).toBe('ett mycket längre lösenord');
		expect(changed()).toBe(0);
	});

	it('names the wait of a 429, says a lost network needs a retry online, and that a 401 is an ended session', async () => {
		const limited = form(server(429, { error: 'rate_limited', reason: 'Too many failed sign-ins.' }, '30').fetch);
		fill(limited.state, 'fel', 'ett mycket längre lösenord');
		await limited.state.submit();
		expect(limited.state.error).toBe('För många försök. Försök igen om 30 sekunder.');

		const lost = form(async () => {
			throw new TypeError('Failed to fetch');
		});
		fill(lost.state, 'trygg-demo', 'ett mycket längre lösenord');
		await lost.state.submit();
		expect(lost.state.error).toBe('Ingen kontakt med servern. Det här kräver nät – försök igen när enheten är online.');

		const ended = form(server(401, { error: 'unauthorized', reason: 'You are not signed in.' }).fetch);
		fill(ended.state, 'trygg-demo', 'ett mycket längre lösenord');
		await ended.state.submit();
		expect(ended.state.error).toBe('Din inloggning har gått ut. Logga in igen – inget av det du gjort går förlorat.');
		expect(ended.state.fieldErrors).toEqual({});
	});
});
