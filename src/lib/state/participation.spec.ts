/**
 * Participation per reporting group (issue 13): fetched online and kept on the device; offline,
 * or when the request fails, the kept figures show with when they were fetched; rates from the
 * group figures only.
 */
import { describe, expect, it } from 'vitest';
import type { Participation } from '../domain/surveys.ts';
import { participationRate, ParticipationView, type ParticipationDeps } from './participation.svelte.ts';
import { MemoryStorage } from './test-collaborators.ts';

const NOW = new Date('2026-11-23T09:00:00.000Z');
const FIGURES: Participation = {
	campaignId: 'campaign:c1',
	phase: 'open',
	groups: [
		{ group: 'a1', groupName: 'Enhet A1', units: ['a1'], eligible: 12, responses: 3 },
		{ group: 'avd-a', groupName: 'Avdelning A', units: ['avd-a', 'a2'], eligible: 8, responses: null },
	],
};

function deps(over: Partial<ParticipationDeps> & { answer?: () => Response } = {}) {
	const calls: string[] = [];
	const answer = over.answer ?? (() => Response.json(FIGURES));
	const d: ParticipationDeps = {
		fetch: async (url) => {
			calls.push(url);
			return answer();
		},
		online: () => true,
		storage: new MemoryStorage(),
		person: () => 'chef',
		clock: { now: () => NOW, serverOffsetMs: 0 },
		...over,
	};
	return { d, calls };
}

describe('participationRate', () => {
	it('is responses over eligible, null when not given', () => {
		expect(participationRate(3, 12)).toBe(0.25);
		expect(participationRate(null, 12)).toBeNull();
		expect(participationRate(0, 0)).toBeNull();
	});
});

describe('ParticipationView', () => {
	it('fetches the campaign’s figures, shows rates per group and keeps them for the person', async () => {
		const { d, calls } = deps();
		const view = new ParticipationView('campaign:c1', d);
		await view.load();
		expect(calls).toEqual(['/api/campaigns/campaign%3Ac1/participation']);
		expect(view.rows.map((r) => [r.group, r.rate])).toEqual([
			['a1', 0.25],
			['avd-a', null],
		]);
		expect(view.stale).toBe(false);
		expect(d.storage?.getItem('trygg.participation.chef|campaign:c1')).toContain('"eligible":12');
	});

	it('offline shows the kept figures with when they were fetched, and asks nothing', async () => {
		const storage = new MemoryStorage();
		await new ParticipationView('campaign:c1', deps({ storage }).d).load();
		const { d, calls } = deps({ storage, online: () => false });
		const view = new ParticipationView('campaign:c1', d);
		await view.load();
		expect(calls).toEqual([]);
		expect(view.unreachable).toBe(true);
		expect(view.stale).toBe(true);
		expect(view.fetchedAt).toBe(NOW.toISOString());
		expect(view.rows).toHaveLength(2);
	});

	it('offline with nothing kept shows nothing, and another person’s figures are not theirs', async () => {
		const storage = new MemoryStorage();
		await new ParticipationView('campaign:c1', deps({ storage }).d).load();
		const view = new ParticipationView('campaign:c1', deps({ storage, online: () => false, person: () => 'hr' }).d);
		await view.load();
		expect(view.data).toBeNull();
		expect(view.stale).toBe(false);
	});

	it('a server out of reach is "needs a connection", not an error, even when the browser says online', async () => {
		const storage = new MemoryStorage();
		await new ParticipationView('campaign:c1', deps({ storage }).d).load();
		const { d } = deps({
			storage,
			fetch: () => Promise.reject(new TypeError('Failed to fetch')),
		});
		const view = new ParticipationView('campaign:c1', d);
		await view.load();
		expect(view.unreachable).toBe(true);
		expect(view.error).toBeNull();
		expect(view.rows).toHaveLength(2);
	});

	it('a refusal is translated and the kept figures stay shown', async () => {
		const storage = new MemoryStorage();
		await new ParticipationView('campaign:c1', deps({ storage }).d).load();
		const refused = () => Response.json({ error: 'forbidden', reason: 'not your campaign' }, { status: 403 });
		const view = new ParticipationView('campaign:c1', deps({ storage, answer: refused }).d);
		await view.load();
		expect(view.error).toMatch(/behörighet|rätt/i);
		expect(view.stale).toBe(true);
	});
});
