// `jacdistill eval`: scores a formula given as text on every row of a CSV file.
import { InputError } from '../core/errors.js';
import { loadCsv } from '../data/csv.js';
import type { Dataset } from '../data/dataset.js';
import type { FormulaScore } from '../distill/formula.js';
import { invalidValue, type OptionSpec } from './args.js';
import type { CommandSpec } from './commands.js';
import { formatR2 } from './format.js';
import { TARGET } from './options.js';

const FORMULA: OptionSpec<string> = {
  flag: '--formula',
  valueName: 'TEXT',
  help:
    'formula in the feature column names, with numbers, + - * /, parentheses and sin, cos, ' +
    'exp, log, sqrt, square, tanh (protected as in the GP), such as the formula of sr or distill',
  parse: (raw) => raw,
  required: true,
};

const DATA: OptionSpec<string> = {
  flag: '--data',
  valueName: 'FILE.csv',
  help: 'CSV file with a header row and only numeric columns; every row is scored',
  parse: (raw) => raw,
  required: true,
};

const JSON_OUTPUT: OptionSpec<boolean> = {
  flag: '--json',
  valueName: null,
  help:
    'print one JSON document with r2, mse, rows and formula on stdout instead of text ' +
    '(a figure that is not finite is written as null)',
  parse: () => true,
};

/** Minimum number of rows scored: R² needs at least 2. */
const MIN_EVAL_ROWS = 2;

export const EVAL_COMMAND: CommandSpec = {
  name: 'eval',
  summary: 'compute R² and MSE of a formula on every row of a CSV file',
  options: [FORMULA, DATA, TARGET, JSON_OUTPUT],
  run: async (options, ctx) => {
    const text = options.get(FORMULA);
    const path = options.get(DATA);
    if (text === undefined) throw new InputError('missing required option --formula');
    if (path === undefined) throw new InputError('missing required option --data');
    // A column that is constant in these rows is fine: nothing is fitted.
    const data = loadCsv(path, {
      target: options.get(TARGET),
      minRows: MIN_EVAL_ROWS,
      allowConstantFeatures: true,
    });

    const { compileFormula, scoreFormula } = await import('../distill/formula.js');
    let formula: ReturnType<typeof compileFormula>;
    try {
      formula = compileFormula(text, data.featureNames);
    } catch (err) {
      if (err instanceof InputError) throw formulaError(text, err, data);
      throw err;
    }
    const score = scoreFormula(data, formula, text);
    ctx.out(options.get(JSON_OUTPUT) === true ? JSON.stringify(score) + '\n' : formatScore(score));
  },
};

/** Rewords a parse error as an invalid --formula value that lists the usable names. */
function formulaError(text: string, err: InputError, data: Dataset): InputError {
  const reason = err.message.replace(/^parseInfix: /, '');
  const names = data.featureNames.join(', ');
  return invalidValue(
    '--formula',
    text,
    `${reason}; the feature columns of ${data.source} are ${names} (target ${data.targetName})`,
  );
}

function formatScore(score: FormulaScore): string {
  return (
    `${score.dataset}: target ${score.target}, ${score.rows} rows\n` +
    `R² ${formatR2(score.r2)}, MSE ${formatMse(score.mse)}\n`
  );
}

function formatMse(value: number): string {
  return Number.isFinite(value) ? value.toPrecision(4) : 'n/a';
}
