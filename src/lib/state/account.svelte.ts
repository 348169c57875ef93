/**
 * The form that changes one's own password (issue 10). It is checked on the device with the
 * shared `passwordChangeSchema` before anything is sent, and sent only online: a password is
 * never queued or stored on the device. On success the server has ended every session of the
 * person and set a new cookie for this one, so this device keeps its data and goes on syncing
 * (`onChanged`); the other devices ask for sign-in on their next request.
 */
import { AppError, WRONG_CURRENT_PASSWORD_REASON, passwordChangeSchema } from '../domain/index.ts';
import { requestJson, type FetchLike } from '../sync/http.ts';
import { messageForOnlineOnly, messageForPasswordIssue, type PasswordField, type PasswordIssue } from './errors.ts';

export type { PasswordField, PasswordIssue };

export type PasswordForm = { password: string; newPassword: string; confirm: string };

/**
 * What the device finds wrong with the form, per field; empty when it may be sent.
 * @example passwordIssues({ password: 'x', newPassword: 'short', confirm: 'short' }) // { newPassword: 'tooShort' }
 */
export function passwordIssues(form: PasswordForm): Partial<Record<PasswordField, PasswordIssue>> {
	const issues: Partial<Record<PasswordField, PasswordIssue>> = {};
	const parsed = passwordChangeSchema.safeParse({ password: form.password, newPassword: form.newPassword });
	for (const issue of parsed.success ? [] : parsed.error.issues) {
		const field = issue.path[0];
		if (field !== 'password' && field !== 'newPassword') continue;
		if (issues[field]) continue;
		if (form[field] === '') issues[field] = 'required';
		else issues[field] = issue.code === 'too_big' ? 'tooLong' : 'tooShort';
	}
	if (form.confirm === '') issues.confirm = 'required';
	else if (form.confirm !== form.newPassword) issues.confirm = 'mismatch';
	return issues;
}

export type PasswordChangeDeps = {
	fetch: FetchLike;
	/** Is the device online now (the app's network state)? */
	online: () => boolean;
	/** Called once the server accepted the change (this device holds the new cookie). */
	onChanged: () => void;
};

export class PasswordChange {
	password = $state('');
	newPassword = $state('');
	confirm = $state('');
	/** Translated problems per field, from the last attempt to send. */
	fieldErrors = $state<Partial<Record<PasswordField, string>>>({});
	/** A translated refusal that belongs to no single field (rate limited, offline, session ended). */
	error = $state<string | null>(null);
	busy = $state(false);
	done = $state(false);
	readonly #deps: PasswordChangeDeps;

	constructor(deps: PasswordChangeDeps) {
		this.#deps = deps;
	}

	get online(): boolean {
		return this.#deps.online();
	}

	/** Sending needs the network; a second press while sending does nothing. */
	get canSubmit(): boolean {
		return this.online && !this.busy;
	}

	/** The first field with a problem (to move focus to), or null. */
	get firstInvalid(): PasswordField | null {
		return (['password', 'newPassword', 'confirm'] as const).find((f) => this.fieldErrors[f]) ?? null;
	}

	/** Check the form, then send it. True when the password was changed. */
	async submit(): Promise<boolean> {
		if (!this.canSubmit) return false;
		this.error = null;
		this.done = false;
		const issues = passwordIssues({ password: this.password, newPassword: this.newPassword, confirm: this.confirm });
		this.fieldErrors = Object.fromEntries(
			Object.entries(issues).map(([field, issue]) => [field, messageForPasswordIssue(field as PasswordField, issue)]),
		);
		if (this.firstInvalid) return false;
		this.busy = true;
		try {
			await requestJson(this.#deps.fetch, '/api/me/password', {
				method: 'POST',
				body: { password: this.password, newPassword: this.newPassword },
			});
			this.password = '';
			this.newPassword = '';
			this.confirm = '';
			this.done = true;
			this.#deps.onChanged();
			return true;
		} catch (err) {
			// A wrong current password belongs to its field; the session itself still holds.
			if (err instanceof AppError && err.message === WRONG_CURRENT_PASSWORD_REASON) {
				this.fieldErrors = { password: messageForOnlineOnly(err) };
			} else {
				this.error = messageForOnlineOnly(err);
			}
			return false;
		} finally {
			this.busy = false;
		}
	}
}
