// The archive of the best program seen at each length (see Individual.length), and the Pareto
// front of length against training loss derived from it. A program enters the archive only
// with a finite loss lower than the archived one of the same length. The first one seen wins
// ties, so the archive depends only on the order programs are offered in.
import type { Program } from './program.js';

export interface ArchiveEntry {
  readonly program: Program;
  /** Training loss (MSE after linear scaling over the target variance). */
  readonly loss: number;
  /** Model a + Σ weights[k]·term_k over the program's terms, fitted on the training data. */
  readonly a: number;
  readonly weights: Float64Array;
  /** Program length with two nodes per extra term weight (see terms.ts termLength). */
  readonly length: number;
}

export class Archive {
  private readonly byLength = new Map<number, ArchiveEntry>();

  offer(entry: ArchiveEntry): boolean {
    if (!Number.isFinite(entry.loss)) return false;
    const held = this.byLength.get(entry.length);
    if (held !== undefined && held.loss <= entry.loss) return false;
    this.byLength.set(entry.length, entry);
    return true;
  }

  /** Entries on the Pareto front, shortest first: each has a lower loss than all shorter ones. */
  front(): ArchiveEntry[] {
    const lengths = [...this.byLength.keys()].sort((p, q) => p - q);
    const front: ArchiveEntry[] = [];
    let bestLoss = Infinity;
    for (const length of lengths) {
      const entry = this.byLength.get(length) as ArchiveEntry;
      if (entry.loss < bestLoss) {
        front.push(entry);
        bestLoss = entry.loss;
      }
    }
    return front;
  }

  /** Drops entries that are not on the front; they can never rejoin it. */
  prune(): void {
    const keep = new Set(this.front());
    for (const [length, entry] of this.byLength) if (!keep.has(entry)) this.byLength.delete(length);
  }

  /** Returns the entry with the lowest training loss, or undefined when the archive is empty. */
  best(): ArchiveEntry | undefined {
    const front = this.front();
    return front[front.length - 1];
  }
}
