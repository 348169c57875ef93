/**
 * Signing a round on this device, for the sign-off section and the report: the round's
 * signatures and reopenings (read with the round itself, in its page's bundle), the sign-off
 * state (domain `sign-off`), and the commands that sign, lock and reopen. Signing and reopening
 * write append-only documents (decision 0007); the lock (`status: 'signed'`) is written by
 * whichever device first sees both signatures, and the server accepts it only then. It never signs in anyone's name but the signed-in
 * person's, except through the server's co-sign check (`coSign`), which needs the network.
 */
import {
	AppError,
	asUnsigned,
	canSign,
	coSignerRefusal,
	lockBlockers,
	newId,
	roundReport,
	signerRefusal,
	signOffState,
	type ReopeningDoc,
	type RoundReport,
	type CoSigner,
	type CoSignerCandidate,
	type SignatureDoc,
	type SignerRole,
} from '../domain/index.ts';
import { requestJson } from '../sync/http.ts';
import { app } from './app-state.svelte.ts';
import { clock, nowIso } from './clock.ts';
import { riskSettings } from './risk-settings.svelte.ts';
import type { RoundWalk } from './round-walk.svelte.ts';

type RoundEvents = { signatures: SignatureDoc[]; reopenings: ReopeningDoc[] };

/** The same append-only documents (the same ids mean the same content). */
const sameDocs = (a: readonly { _id: string }[], b: readonly { _id: string }[]) =>
	a.length === b.length && a.every((d, i) => d._id === b[i]?._id);

export class SignOff {
	readonly #walk: RoundWalk;
	#eventsBefore: RoundEvents = { signatures: [], reopenings: [] };
	/** The last error of a command, for the section to show. */
	error = $state<unknown>(null);

	constructor(walk: RoundWalk) {
		this.#walk = walk;
	}

	/** The round being signed, its documents and current state. */
	get walk(): RoundWalk {
		return this.#walk;
	}

	/** Kept as the same object while unchanged, so an answer does not recompute the sign-off state. */
	readonly events = $derived.by((): RoundEvents => {
		const { signatures, reopenings } = this.walk.bundle;
		const before = this.#eventsBefore;
		if (sameDocs(before.signatures, signatures) && sameDocs(before.reopenings, reopenings)) return before;
		this.#eventsBefore = { signatures, reopenings };
		return this.#eventsBefore;
	});

	readonly state = $derived(
		signOffState(this.walk.roundId, this.events.signatures, this.events.reopenings, this.walk.round),
	);
	readonly locked = $derived(this.walk.round?.status === 'signed');
	/** May the content be signed (every item answered, every finding assessed), judged as if unsigned. */
	readonly contentCheck = $derived(
		this.walk.round && this.walk.template
			? canSign(
					asUnsigned(this.walk.round),
					this.walk.bundle.answers,
					this.walk.bundle.findings,
					this.walk.template,
					this.walk.bundle.assessments,
				)
			: null,
	);
	/**
	 * The roles the signed-in person may sign in: the one they hold in the round's unit (with write
	 * access; a main safety rep's grant says safety rep), and employee rep only when the round invites them.
	 */
	readonly myRoles = $derived.by((): SignerRole[] => {
		const grant = app.me?.scopes.find((s) => s.scope === this.walk.round?.scope && s.write);
		if (grant?.role === 'manager' || grant?.role === 'safety_rep') return [grant.role];
		const invited = grant?.role === 'employee_rep' && this.walk.round?.coSigner?.name === app.me?.name;
		return invited ? ['employee_rep'] : [];
	});
	/** A manager of the unit may invite an employee rep to co-sign (decision 0028). */
	readonly mayInvite = $derived(this.myRoles.includes('manager') && !this.locked);
	/** Both have signed, the content may be signed, and the round is not locked yet: this device locks it. */
	readonly shouldLock = $derived(
		!this.locked &&
			this.myRoles.length > 0 &&
			this.contentCheck !== null &&
			lockBlockers(this.state, this.contentCheck).length === 0,
	);

	readonly report = $derived.by((): RoundReport | null => {
		const { round, template } = this.walk;
		if (!round || !template) return null;
		return roundReport({
			round,
			template,
			answers: this.walk.bundle.answers,
			findings: this.walk.bundle.findings,
			assessments: this.walk.bundle.assessments,
			signatures: this.events.signatures,
			reopenings: this.events.reopenings,
			bands: riskSettings.bands,
		});
	});

	#me(): { name: string; displayName: string } {
		if (!app.me || !app.db) throw new AppError('unauthorized', 'not signed in');
		return app.me;
	}

	#signature(name: string, displayName: string, role: SignerRole, reservation: string): SignatureDoc {
		const round = this.walk.round;
		if (!round) throw new AppError('not_found', 'round not on this device');
		const now = nowIso();
		const text = reservation.trim();
		return {
			_id: newId('signature'),
			type: 'signature',
			scope: round.scope,
			roundId: round._id,
			signedBy: name,
			signerName: displayName,
			role,
			signedAt: now,
			...(text !== '' ? { reservation: text } : {}),
			createdAt: now,
			updatedAt: now,
		};
	}

	async #run(command: () => Promise<void>): Promise<boolean> {
		this.error = null;
		try {
			await command();
			return true;
		} catch (err) {
			this.error = err;
			return false;
		}
	}

	/**
	 * Sign as the signed-in person, in `role`, with an optional reservation (works offline). The
	 * session's name and display name, on the server's clock as this device knows it (decision
	 * 0016); never the other role's signer again.
	 */
	sign(role: SignerRole, reservation = ''): Promise<boolean> {
		return this.#run(async () => {
			if (!this.contentCheck?.ok) throw new AppError('invalid', 'the round cannot be signed yet');
			const me = this.#me();
			const signature = this.#signature(me.name, me.displayName, role, reservation);
			const refusal = signerRefusal(this.state, signature);
			if (refusal) throw new AppError('forbidden', refusal);
			await app.save(signature);
		});
	}

	/**
	 * Another person signs on this device: their password is checked by the server, which
	 * writes the signature as them, with their account's display name; this device's sign-in
	 * stays. Needs the network.
	 */
	coSign(opts: { name: string; password: string; role: SignerRole; reservation: string }): Promise<boolean> {
		return this.#run(async () => {
			if (!this.contentCheck?.ok) throw new AppError('invalid', 'the round cannot be signed yet');
			// The server names the co-signer from their account; the device does not know that name.
			const signature = this.#signature(opts.name.trim(), opts.name.trim(), opts.role, opts.reservation);
			const refusal = signerRefusal(this.state, signature);
			if (refusal) throw new AppError('forbidden', refusal);
			await requestJson(fetch, '/api/rounds/sign', {
				method: 'POST',
				body: { name: opts.name.trim(), password: opts.password, scope: signature.scope, signature },
			});
			app.retry(); // bring the new signature to this device
		});
	}

	/**
	 * Invite one of the unit's employee reps (`members`) to co-sign, or withdraw the invitation
	 * (`null`); refused on the device as on the server when they are not an employee rep of the unit.
	 */
	invite(coSigner: CoSigner | null, members: readonly CoSignerCandidate[]): Promise<boolean> {
		return this.#run(async () => {
			const round = this.walk.round;
			if (!round || this.locked) throw new AppError('invalid', 'the round is signed');
			const next = { ...round, updatedAt: nowIso() };
			if (coSigner) next.coSigner = coSigner;
			else delete next.coSigner;
			const refusal = coSignerRefusal(round, next, this.myRoles, members);
			if (refusal) throw new AppError('forbidden', refusal);
			await app.save(next);
		});
	}

	/** Lock the round once both have signed (called when `shouldLock`). */
	lock(): Promise<boolean> {
		return this.#run(async () => {
			const round = this.walk.round;
			if (!round || !this.shouldLock) return;
			// The bands in force now go with the lock: the signed report keeps grading by them.
			const locked = {
				...round,
				status: 'signed' as const,
				bands: riskSettings.bands,
				updatedAt: clock.now().toISOString(),
			};
			// Only over the round this page judged: if the store holds a newer one (a sync just
			// brought it), its live read decides again.
			await app.saveAll(async (get) => {
				const stored = await get(round._id);
				return stored?._rev === round._rev && stored?.updatedAt === round.updatedAt ? [{ doc: locked }] : [];
			});
		});
	}

	/** Open a signed round again, with a written reason; its signatures are set aside. */
	reopen(reason: string): Promise<boolean> {
		return this.#run(async () => {
			const round = this.walk.round;
			const text = reason.trim();
			if (!round || round.status !== 'signed') throw new AppError('invalid', 'only a signed round can be reopened');
			if (text === '') throw new AppError('invalid', 'a reason is needed');
			const me = this.#me();
			const now = nowIso();
			const reopening: ReopeningDoc = {
				_id: newId('reopening'),
				type: 'reopening',
				scope: round.scope,
				roundId: round._id,
				reason: text,
				voids: this.state.active.map((s) => s._id),
				reopenedAt: now,
				reopenedBy: me.name,
				reopenedByName: me.displayName,
				createdAt: now,
				updatedAt: now,
			};
			// One transaction: no device may read the round back in progress without its reopening.
			await app.saveAll([{ doc: reopening }, { doc: { ...round, status: 'in_progress', updatedAt: now } }]);
		});
	}
}
