// A fitted formula: a program p with its linear scaling, y = a + b·p. Prediction runs the
// unsimplified program through the batch evaluator; printing simplifies the expression after
// substituting the optional standardisation maps, so the text reads in original units.
import { InputError } from '../core/errors.js';
import { ProgramEvaluator } from './evaluate.js';
import {
  call,
  constant,
  exprLength,
  programToExpr,
  substituteVariables,
  variable,
  type Expr,
} from './expr.js';
import { printJavaScript, printLatex, printSympy } from './export.js';
import { printInfix } from './print.js';
import type { Program } from './program.js';
import { simplify } from './simplify.js';

/** Maps from standardised to original units (see SymbolicRegressionModel.toInfix). */
export interface UnitMaps {
  /** Feature j used by the program is (x_j − xShift[j]) / xScale[j]. */
  readonly xShift?: readonly number[];
  readonly xScale?: readonly number[];
  /** The model output in original units is yShift + yScale·f. */
  readonly yShift?: number;
  readonly yScale?: number;
}

export interface InfixOptions extends UnitMaps {
  readonly featureNames?: readonly string[];
  /** Significant digits of printed constants; default 4. */
  readonly digits?: number;
}

/** Throws RangeError for a non-finite shift or a scale that is zero or not finite. */
function checkMaps(maps: UnitMaps): void {
  const check = (name: string, values: readonly number[] | undefined, nonZero: boolean): void => {
    values?.forEach((v, j) => {
      if (!Number.isFinite(v) || (nonZero && v === 0)) {
        const expected = nonZero ? 'a finite non-zero number' : 'a finite number';
        throw new RangeError(`toInfix: ${name}[${j}] must be ${expected}, got ${v}`);
      }
    });
  };
  check('xShift', maps.xShift, false);
  check('xScale', maps.xScale, true);
  check('yShift', maps.yShift === undefined ? undefined : [maps.yShift], false);
  check('yScale', maps.yScale === undefined ? undefined : [maps.yScale], false);
}

/**
 * The simplified expression of a + b·p, with feature j replaced by (x_j − xShift[j]) /
 * xScale[j] and the output mapped to yShift + yScale·(a + b·p).
 */
export function scaledExpr(program: Program, a: number, b: number, maps: UnitMaps = {}): Expr {
  const { xShift, xScale, yShift = 0, yScale = 1 } = maps;
  checkMaps(maps);
  const inner = substituteVariables(programToExpr(program), (j) => {
    const shift = xShift?.[j] ?? 0;
    const scale = xScale?.[j] ?? 1;
    // Multiplying by 1/scale, not dividing, because protected division by a scale of at most
    // 0.001 would return 1.
    return call('mul', call('sub', variable(j), constant(shift)), constant(1 / scale));
  });
  const affine = call(
    'add',
    constant(yShift + yScale * a),
    call('mul', constant(yScale * b), inner),
  );
  return simplify(affine);
}

export class FittedFormula {
  readonly program: Program;
  readonly a: number;
  readonly b: number;
  readonly nFeatures: number;
  private readonly printedIntercept: number;

  /**
   * `yScale` is the spread of the training target; an intercept below 1e-12 of it is rounding
   * noise of the least-squares fit and is printed as 0 (predict still uses it).
   */
  constructor(program: Program, a: number, b: number, nFeatures: number, yScale = 0) {
    this.program = program;
    this.a = a;
    this.b = b;
    this.nFeatures = nFeatures;
    this.printedIntercept = Math.abs(a) <= 1e-12 * yScale ? 0 : a;
  }

  /** Node count of the simplified a + b·p. */
  get length(): number {
    return exprLength(scaledExpr(this.program, this.printedIntercept, this.b));
  }

  /** Predictions for column-major features (nFeatures columns of equal length). */
  predict(columns: readonly Float64Array[]): Float64Array {
    if (columns.length !== this.nFeatures) {
      throw new InputError(
        `predict: ${this.nFeatures} feature columns expected, got ${columns.length}`,
      );
    }
    const nRows = columns.length > 0 ? columns[0].length : 0;
    columns.forEach((column, j) => {
      if (column.length !== nRows) {
        throw new InputError(
          `predict: column ${j} must have ${nRows} rows like column 0, got ${column.length}`,
        );
      }
    });
    if (nRows === 0) return new Float64Array(0);
    const evaluator = new ProgramEvaluator(columns, nRows);
    const p = evaluator.evaluateOne(this.program);
    evaluator.dispose();
    // b = 0 means a constant model; skipping p avoids 0·∞ = NaN on rows where p overflows.
    for (let i = 0; i < nRows; i++) p[i] = this.b === 0 ? this.a : this.a + this.b * p[i];
    return p;
  }

  /** Infix text that parseInfix reads back; constants to `digits` (default 4) digits. */
  toInfix(opts: InfixOptions = {}): string {
    const expr = scaledExpr(this.program, this.printedIntercept, this.b, opts);
    return printInfix(expr, opts.featureNames, opts.digits ?? 4);
  }

  /** LaTeX math without delimiters; constants to `digits` (default 4) digits. */
  toLatex(opts: InfixOptions = {}): string {
    const expr = scaledExpr(this.program, this.printedIntercept, this.b, opts);
    return printLatex(expr, opts.featureNames, opts.digits ?? 4);
  }

  /**
   * Source of `function <name>(x)` (default name 'formula') returning the prediction for the
   * feature array x, with the protected primitives defined inside; constants to `digits`
   * (default 17, exact) digits.
   */
  toJavaScript(opts: InfixOptions & { name?: string } = {}): string {
    const expr = scaledExpr(this.program, this.printedIntercept, this.b, opts);
    return printJavaScript(expr, opts.featureNames, opts.digits ?? 17, opts.name);
  }

  /** A Python script that builds the formula as a sympy expression `expr` (see SympyOptions). */
  toSympy(opts: InfixOptions & { protectedOps?: boolean } = {}): string {
    const expr = scaledExpr(this.program, this.printedIntercept, this.b, opts);
    return printSympy(expr, this.nFeatures, {
      featureNames: opts.featureNames,
      digits: opts.digits,
      protectedOps: opts.protectedOps,
    });
  }
}
