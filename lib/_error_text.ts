/**
 * The message of a thrown value, whatever was thrown (shared by the layers
 * that turn errors into stored messages).
 *
 * @module
 */

/** The message of a thrown value: an Error's message, else the value as text. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return String(e);
  } catch {
    return "a value that cannot be printed";
  }
}
