/**
 * Errors of a form, tied to their fields: one entry per field (its element id) and one for the
 * form as a whole (`field: null`, e.g. the server's refusal). The summary (ErrorSummary.svelte)
 * lists them all and links each to its field; `fieldAttrs` gives the field `aria-invalid` and
 * points `aria-describedby` at its own message (and at a hint it already has).
 */
export type FormError = { field: string | null; message: string };

/** The id of a field's own error message, next to the field. */
export const errorId = (field: string): string => `${field}-error`;

export function errorFor(errors: readonly FormError[], field: string): string | undefined {
	return errors.find((e) => e.field === field)?.message;
}

export function fieldAttrs(
	errors: readonly FormError[],
	field: string,
	hint?: string,
): { 'aria-invalid': 'true' | undefined; 'aria-describedby': string | undefined } {
	const invalid = errorFor(errors, field) !== undefined;
	const describedBy = [hint, invalid ? errorId(field) : undefined].filter(Boolean).join(' ');
	return { 'aria-invalid': invalid ? 'true' : undefined, 'aria-describedby': describedBy || undefined };
}
