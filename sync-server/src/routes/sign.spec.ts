/**
 * Signing as another person on the same device (`POST /api/rounds/sign`): the co-signer's
 * password is checked without touching the device's session, the signature is written as the
 * co-signer with their own grants and the same rules as `_bulk_docs`, and wrong passwords count
 * towards the sign-in limit.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { roundItems } from '../../../src/lib/domain/index.ts';
import { starterTemplates } from '../../../src/lib/domain/starter-templates.ts';
import { DEMO_PASSWORD } from '../seed/demo.ts';
import type { Harness } from '../test-harness.ts';
import { answerDoc, roundDoc, signatureDoc, startServer } from '../test-harness.ts';

let h: Harness;
beforeEach(async () => {
	h = await startServer();
});
afterEach(async () => {
	await h.close();
});

async function completeRound(cookie: string) {
	const template = starterTemplates('2026-11-23T09:00:00.000Z').find((t) => t._id === 'template:physical.v1');
	if (!template) throw new Error('no template');
	const round = roundDoc('a1', { templateId: template._id, status: 'in_progress' });
	const answers = roundItems(template).map(({ item }) => answerDoc('unit-a1', round._id, { itemId: item.id }));
	const res = await h.call({
		method: 'POST',
		url: '/db/unit-a1/_bulk_docs',
		cookie,
		payload: { docs: [round, ...answers] },
	});
	expect(res.statusCode).toBeLessThan(300);
	return round;
}

const coSign = (cookie: string | undefined, body: object) =>
	h.call({ method: 'POST', url: '/api/rounds/sign', ...(cookie ? { cookie } : {}), payload: body });

describe('POST /api/rounds/sign', () => {
	it('writes the safety rep signature from the manager’s device, keeping the manager signed in', async () => {
		const chef = await h.signIn('chef');
		const round = await completeRound(chef);
		const sig = signatureDoc('unit-a1', round._id, {
			signedBy: 'skyddsombud',
			signerName: 'Sara Skyddsombud',
			role: 'safety_rep',
			reservation: 'Handrail missing',
		});
		const res = await coSign(chef, { name: 'skyddsombud', password: DEMO_PASSWORD, scope: 'unit-a1', signature: sig });
		expect(res.statusCode).toBe(200);
		expect(res.json()).toMatchObject({ id: sig._id, ok: true });
		expect(res.cookies).toEqual([]);
		const me = await h.call({ url: '/api/me', cookie: chef });
		expect(me.json()).toMatchObject({ name: 'chef' });
		const stored = await h.call({
			method: 'POST',
			url: '/db/unit-a1/_all_docs?include_docs=true',
			cookie: chef,
			payload: { keys: [sig._id] },
		});
		expect(stored.json().rows[0].doc).toMatchObject({ signedBy: 'skyddsombud', reservation: 'Handrail missing' });
	});

	it('refuses a wrong password alike for any name, a signature in someone else’s name, and no session', async () => {
		const chef = await h.signIn('chef');
		const round = await completeRound(chef);
		const sig = signatureDoc('unit-a1', round._id, { signedBy: 'skyddsombud', role: 'safety_rep' });
		const body = { name: 'skyddsombud', password: 'wrong', scope: 'unit-a1', signature: sig };
		const wrong = await coSign(chef, body);
		const unknown = await coSign(chef, { ...body, name: 'nobody' });
		expect(wrong.statusCode).toBe(401);
		expect(unknown.json()).toEqual(wrong.json());
		expect((await coSign(undefined, { ...body, password: DEMO_PASSWORD })).statusCode).toBe(401);
		// Right password, but the signature names the manager: the rules write only as the co-signer.
		const forged = signatureDoc('unit-a1', round._id, { signedBy: 'chef', role: 'manager' });
		const res = await coSign(chef, { ...body, password: DEMO_PASSWORD, signature: forged });
		expect(res.statusCode).toBe(403);
		expect(res.json()).toMatchObject({ error: 'forbidden', reason: 'you may sign only as yourself' });
		// Only signatures go through this door.
		const other = await coSign(chef, { ...body, password: DEMO_PASSWORD, signature: { ...round, status: 'signed' } });
		expect(other.statusCode).toBe(400);
	});

	it('counts wrong co-sign passwords towards the sign-in limit', async () => {
		const chef = await h.signIn('chef');
		const round = await completeRound(chef);
		const sig = signatureDoc('unit-a1', round._id, { signedBy: 'skyddsombud', role: 'safety_rep' });
		for (let i = 0; i < 5; i++) {
			await coSign(chef, { name: 'skyddsombud', password: `wrong-${i}`, scope: 'unit-a1', signature: sig });
		}
		const res = await coSign(chef, { name: 'skyddsombud', password: DEMO_PASSWORD, scope: 'unit-a1', signature: sig });
		expect(res.statusCode).toBe(429);
	});
});
