/** The domain: pure rules and the wire format. Runs anywhere; imports nothing of the app. */
export * from './ids.ts';
export * from './errors.ts';
export * from './schemas.ts';
export * from './localized.ts';
export * from './photo.ts';
export * from './risk.ts';
export * from './risk-bands.ts';
export * from './round-state.ts';
export * from './sign-off.ts';
export * from './round-report.ts';
export * from './safety-requests.ts';
export * from './annual-follow-up.ts';
export * from './actions.ts';
export * from './finding-actions.ts';
export * from './older-app.ts';
export * from './surveys.ts';
export * from './reports.ts';
