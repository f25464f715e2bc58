// MLP architecture and the flat parameter layout shared by every training backend.
// Layer i maps widths[i] -> widths[i + 1]; layers 0 .. L-1 are hidden (activation applied) and
// layer L is the linear output layer. Parameters are one Float64Array: for each layer in order,
// its weight matrix W_i [widths[i], widths[i + 1]] row-major, then its bias b_i [widths[i + 1]].
import { InputError } from '../core/errors.js';

export type Activation = 'tanh' | 'relu' | 'softplus';

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'softplus'];

/** Architecture of a fully connected network with one activation for every hidden layer. */
export interface MlpSpec {
  readonly nInputs: number;
  readonly hidden: readonly number[];
  readonly activation: Activation;
  /** Width of the linear output layer; 1 for the scalar-output teacher. */
  readonly nOutputs: number;
}

/** Offsets of every weight matrix and bias vector inside the flat parameter vector. */
export interface ParamLayout {
  readonly spec: MlpSpec;
  /** [nInputs, ...hidden, nOutputs]. */
  readonly widths: readonly number[];
  readonly weightOffsets: readonly number[];
  readonly biasOffsets: readonly number[];
  /** Total number of parameters. */
  readonly size: number;
}

/** Validates `spec` and computes its parameter layout. Throws InputError on a bad width. */
export function paramLayout(spec: MlpSpec): ParamLayout {
  checkSpec(spec);
  const widths = [spec.nInputs, ...spec.hidden, spec.nOutputs];
  const weightOffsets: number[] = [];
  const biasOffsets: number[] = [];
  let size = 0;
  for (let i = 0; i + 1 < widths.length; i++) {
    weightOffsets.push(size);
    size += widths[i] * widths[i + 1];
    biasOffsets.push(size);
    size += widths[i + 1];
  }
  return { spec, widths, weightOffsets, biasOffsets, size };
}

function checkSpec(spec: MlpSpec): void {
  const isWidth = (n: number): boolean => Number.isInteger(n) && n >= 1;
  if (!isWidth(spec.nInputs)) {
    throw new InputError(`mlp: nInputs must be a positive integer, got ${spec.nInputs}`);
  }
  if (!isWidth(spec.nOutputs)) {
    throw new InputError(`mlp: nOutputs must be a positive integer, got ${spec.nOutputs}`);
  }
  if (spec.hidden.length === 0 || !spec.hidden.every(isWidth)) {
    throw new InputError(
      `mlp: hidden must list at least one positive integer width, got [${spec.hidden.join(', ')}]`,
    );
  }
  if (!ACTIVATIONS.includes(spec.activation)) {
    throw new InputError(
      `mlp: activation must be one of ${ACTIVATIONS.join(', ')}, got '${String(spec.activation)}'`,
    );
  }
}
