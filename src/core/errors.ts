// Error classes shared by every layer, and the lazy assertion helper.
// Messages follow `<op or function>: <expected>, got <found>` with shapes via formatShape.

/** Shape or axis mismatch detected before any kernel runs. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** Misuse of the autodiff engine: missing rule, wrong VJP output, non-scalar grad. */
export class AutodiffError extends Error {
  override name = 'AutodiffError';
}

/**
 * Problem with user input (a data file, an option value). The CLI prints only its message,
 * on one line, and exits with code 2.
 */
export class InputError extends Error {
  override name = 'InputError';
}

/** Throws an Error built by `message` when `cond` is false; the message is built only then. */
export function assert(cond: boolean, message: () => string): asserts cond {
  if (!cond) throw new Error(message());
}
