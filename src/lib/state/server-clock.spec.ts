/**
 * The recording clock follows the server's (decision 0016): the offset the device learns from the
 * server's answers, at sign-in too, is what `recordNow` adds to the device's own clock; the
 * device's calendar stays its own.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TryggDb } from '../db/app-db.ts';
import { clockOffset, noteServerTime } from '../db/docs-repo.ts';
import { SERVER_TIME_HEADER } from '../domain/hlc.ts';
import { clock, localToday, nowIso, recordNow } from './clock.ts';
import { followServerClock, noteReading, timeTellingFetch } from './server-clock.ts';

const DAY = 86_400_000;
/** The device's clock: five days behind the server's. */
const DEVICE = new Date('2026-12-01T09:00:00.000Z');
const SERVER = DEVICE.getTime() + 5 * DAY;

const realNow = clock.now;
afterEach(() => {
	clock.now = realNow;
	clock.serverOffsetMs = 0;
});

describe('recordNow', () => {
	it('is the device clock plus the server offset; the calendar stays the device’s', () => {
		clock.now = () => DEVICE;
		clock.serverOffsetMs = 5 * DAY;
		expect(recordNow().getTime()).toBe(SERVER);
		expect(nowIso()).toBe(new Date(SERVER).toISOString());
		expect(localToday()).toBe(localToday(DEVICE));
	});
});

describe('followServerClock', () => {
	it('keeps the target at the offset stored in the device database, as it changes, until stopped', async () => {
		const db = new TryggDb(`clock-${Math.random()}`);
		const target = { serverOffsetMs: 0 };
		const stop = followServerClock(db, target);
		await noteServerTime(db, SERVER, DEVICE.getTime());
		await vi.waitFor(() => expect(target.serverOffsetMs).toBe(5 * DAY));
		await noteServerTime(db, SERVER, SERVER);
		await vi.waitFor(() => expect(target.serverOffsetMs).toBe(0));
		stop();
		await noteServerTime(db, SERVER, DEVICE.getTime());
		expect(await clockOffset(db)).toBe(5 * DAY);
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(target.serverOffsetMs).toBe(0);
		db.close();
	});
});

describe('timeTellingFetch', () => {
	it('notes the server clock of the last answer that told it, for the database opened after sign-in', async () => {
		const answers = [SERVER, Number.NaN, SERVER + 1000];
		const inner = async () => {
			const told = answers.shift() as number;
			return new Response('{}', { headers: Number.isFinite(told) ? { [SERVER_TIME_HEADER]: String(told) } : {} });
		};
		const timed = timeTellingFetch(inner, () => DEVICE);
		expect(timed.last()).toBeUndefined();
		await timed.fetch('/db/_session');
		expect(timed.last()).toEqual({ serverMs: SERVER, receivedMs: DEVICE.getTime() });
		await timed.fetch('/api/me'); // no header: the reading stays
		expect(timed.last()?.serverMs).toBe(SERVER);
		await timed.fetch('/api/me');
		expect(timed.last()?.serverMs).toBe(SERVER + 1000);

		const db = new TryggDb(`reading-${Math.random()}`);
		await noteReading(db, timed.last());
		expect(await clockOffset(db)).toBe(5 * DAY + 1000);
		await noteReading(db, undefined);
		expect(await clockOffset(db)).toBe(5 * DAY + 1000);
		db.close();
	});
});
