// A step's transcript when the disk fills up under it. The command's output arrives on socket
// and pipe events; a write that fails there (SQLITE_FULL) would be an uncaught exception that
// kills the process mid-step. The guard takes the first failure instead, stops the command at
// once (an approved command must not go on writing to production with nothing recording it),
// and lets the engine say so after the command has stopped.
import type { ArtifactWriter } from '../vault';

export type TranscriptSink = Pick<ArtifactWriter, 'write'>;

export class TranscriptGuard {
  readonly sink: TranscriptSink;
  readonly stop = new AbortController();
  private failed: { error: unknown } | null = null;

  constructor(writer: TranscriptSink, outer: AbortSignal | undefined) {
    if (outer) {
      if (outer.aborted) this.stop.abort();
      else outer.addEventListener('abort', () => this.stop.abort(), { once: true });
    }
    this.sink = {
      write: (data) => {
        if (this.failed) return;
        try {
          writer.write(data);
        } catch (error) {
          this.failed = { error };
          this.stop.abort();
        }
      },
    };
  }

  /** The first write that failed, or null. */
  get failure(): { error: unknown } | null {
    return this.failed;
  }
}
