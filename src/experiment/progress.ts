// Progress lines for stderr: runs done out of the total, elapsed time and an estimate of the time
// left, extrapolated from the runs finished by this process (runs skipped on resume cost nothing).

/** Formats seconds as `45s`, `12m05s` or `1h02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export class Progress {
  private doneHere = 0;
  private failed = 0;

  /**
   * @param total runs of the whole experiment
   * @param alreadyDone runs found finished in runs.jsonl when this process started
   * @param now clock in seconds, injectable for tests
   */
  constructor(
    readonly total: number,
    readonly alreadyDone: number,
    private readonly now: () => number = () => performance.now() / 1000,
    private readonly start = now(),
  ) {}

  /** Records a finished run and returns the progress line. */
  done(label: string): string {
    this.doneHere++;
    return this.line(label);
  }

  /** Records a failed run and returns the progress line. */
  fail(label: string, message: string): string {
    this.failed++;
    return `${this.line(label)}; FAILED: ${message}`;
  }

  private line(label: string): string {
    const elapsed = this.now() - this.start;
    const finished = this.alreadyDone + this.doneHere;
    const remaining = this.total - finished - this.failed;
    const attempted = this.doneHere + this.failed;
    const eta = attempted > 0 ? (elapsed / attempted) * remaining : NaN;
    const failed = this.failed > 0 ? `, ${this.failed} failed` : '';
    return (
      `[${finished}/${this.total}${failed}] ${label}; elapsed ${formatDuration(elapsed)}, ` +
      `about ${formatDuration(eta)} left`
    );
  }
}
