/** Exit codes of the CLI contract (README.md, "Exit codes"). */
export const EXIT = { pass: 0, failed: 1, badInput: 2, invalidRun: 3 } as const;

/** Bad usage, configuration or input. The message names the file, field or line. Exit 2. */
export class InputError extends Error {
  override name = 'InputError';
  readonly exitCode = EXIT.badInput;
}

/** The run itself was invalid (generator fell behind, target failed its smoke check). Exit 3. */
export class InvalidRunError extends Error {
  override name = 'InvalidRunError';
  readonly exitCode = EXIT.invalidRun;
}

export function exitCodeOf(err: unknown): number {
  if (err instanceof InputError || err instanceof InvalidRunError) return err.exitCode;
  return EXIT.badInput;
}
