// A fully connected layer on the autodiff tape: y = x W + b, x [n, dIn], W [dIn, dOut],
// b [dOut]. Weight and bias are leaf tensors that may view a caller-owned flat parameter
// vector, so an optimiser can update that vector in place between steps.
import { add, matmul, type Tensor } from '../autodiff/index.js';

export class Linear {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(weight: Tensor, bias: Tensor) {
    this.weight = weight;
    this.bias = bias;
  }

  parameters(): Tensor[] {
    return [this.weight, this.bias];
  }

  /** x [n, dIn] -> [n, dOut]. */
  call(x: Tensor): Tensor {
    return add(matmul(x, this.weight), this.bias);
  }
}
