// Fit time and accuracy of the GP engine on a generated problem:
// y = x0·x1 + sin(x2) + noise over 12 standard-normal features (9 of them irrelevant), 400
// training rows, 200 validation rows and 1000 test rows. Prints one line per seed.
// Run after `npm run build`: node dist/bench/gp-fit.js [seeds] [noise]
import { Rng } from '../src/core/rng.js';
import { fitSymbolicRegression, type RegressionData } from '../src/gp/index.js';

const N_FEATURES = 12;

function makeData(rng: Rng, nRows: number, noise: number): RegressionData {
  const columns = Array.from({ length: N_FEATURES }, () => new Float64Array(nRows));
  const y = new Float64Array(nRows);
  for (let i = 0; i < nRows; i++) {
    for (const column of columns) column[i] = rng.normal();
    y[i] = columns[0][i] * columns[1][i] + Math.sin(columns[2][i]) + noise * rng.normal();
  }
  return { columns, y };
}

function rSquared(y: Float64Array, prediction: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - prediction[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

function main(): void {
  const nSeeds = Number(process.argv[2] ?? 3);
  const noise = Number(process.argv[3] ?? 0);
  for (let seed = 0; seed < nSeeds; seed++) {
    const rng = new Rng(`gp-fit-${seed}`);
    const train = makeData(rng, 400, noise);
    const valid = makeData(rng, 200, noise);
    const test = makeData(rng, 1000, noise);
    const model = fitSymbolicRegression(train, valid, { seed });
    const r2 = rSquared(test.y, model.predict(test.columns));
    console.log(
      `seed ${seed}: ${model.seconds.toFixed(2)} s, ${model.generations} generations, ` +
        `test R² ${r2.toFixed(5)}, length ${model.length}, front ${model.front.length}: ` +
        model.toInfix(),
    );
  }
}

main();
