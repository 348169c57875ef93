/**
 * The organisation's risk bands on this device: read live from `settings:risk` (synced in `org`,
 * which every signed-in person reads), the default bands while there is none or it is not valid,
 * and saving new bands (HR and admin; the server refuses anyone else). Every level shown on the
 * device, in the walk, the report and the CSV, is computed with `riskSettings.bands`.
 */
import { bandsOf, RISK_SETTINGS_ID, type RiskBands, type RiskSettingsDoc } from '../domain/index.ts';
import { liveRiskSettings } from '../db/docs-repo.ts';
import { app } from './app-state.svelte.ts';
import { nowIso } from './clock.ts';
import { Live } from './live.svelte.ts';

class RiskSettings {
	readonly #live = $derived(app.db ? new Live<RiskSettingsDoc | undefined>(liveRiskSettings(app.db)) : null);

	/** The stored settings document, or undefined (none yet, or not read yet). */
	get doc(): RiskSettingsDoc | undefined {
		return this.#live?.current;
	}

	/** False until the device database has answered. */
	get loaded(): boolean {
		return this.#live?.loaded ?? false;
	}

	/** The bands every level on this device is computed with. */
	readonly bands = $derived<RiskBands>(bandsOf(this.#live?.current));

	/** May the signed-in person change the bands (HR and admin write `org`)? */
	get canEdit(): boolean {
		return app.me?.scopes.some((s) => s.scope === 'org' && s.write) ?? false;
	}

	/** Save new bands on the device; they reach the server and every device when it syncs. */
	async save(bands: RiskBands): Promise<void> {
		const now = nowIso();
		await app.save({
			_id: RISK_SETTINGS_ID,
			type: 'settings',
			scope: 'org',
			createdAt: this.doc?.createdAt ?? now,
			updatedAt: now,
			bands: { medium: bands.medium, high: bands.high, severe: bands.severe },
		});
	}
}

export const riskSettings = new RiskSettings();
