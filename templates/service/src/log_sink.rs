//! Where log lines go: a buffer in memory that a thread of its own writes to stdout every
//! 50 ms. Logging a line is a copy into that buffer under a lock, never a system
//! call and never a wake-up of another thread.
//!
//! Not `tracing-appender`'s non-blocking writer: its thread writes and flushes each time its
//! queue runs dry and sleeps until the next line, so under load nearly every line cost a
//! wake-up, a context switch and a `write` (see docs/benchmarks.md in backend-gen).

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

/// How long a line may wait in the buffer: the delay before it shows on stdout.
const FLUSH_EVERY: Duration = Duration::from_millis(50);

/// Past this many bytes the writer thread is woken early, so a burst is written in chunks
/// of about this size.
const FLUSH_AT: usize = 256 * 1024;

/// How long the guard waits, when dropped, for the last lines to be written: a stdout that
/// nobody reads must not keep the process from exiting.
const FINAL_WRITE_WAIT: Duration = Duration::from_secs(1);

/// Past this many bytes a line waits for the writer to catch up (stdout is slower than the
/// service logs): memory stays bounded and no line is dropped.
const MAX_PENDING: usize = 8 * 1024 * 1024;

/// The shared buffer; `MakeWriter` for the log layer, which writes each line in one call
/// (the calls of different threads do not interleave within one). Cheap to clone.
#[derive(Clone)]
pub struct LogSink(Arc<Shared>);

struct Shared {
    state: Mutex<State>,
    /// Wakes the writer early: the buffer is large, or the service is stopping.
    wake: Condvar,
    /// Wakes loggers that wait for room.
    drained: Condvar,
}

#[derive(Default)]
struct State {
    pending: Vec<u8>,
    stopping: bool,
}

/// Keep it while the service runs: dropping it writes out what is pending (waiting up to
/// a second for stdout) and stops the writer thread.
#[must_use = "dropping the guard stops the log writer"]
pub struct FlushGuard {
    sink: LogSink,
    /// Hears from the writer thread once it has written its last lines.
    finished: Receiver<()>,
}

impl LogSink {
    /// A sink over stdout, and the guard of its writer thread.
    pub fn stdout() -> io::Result<(Self, FlushGuard)> {
        Self::new(io::stdout())
    }

    /// A sink over `out`, and the guard of its writer thread.
    pub fn new(mut out: impl Write + Send + 'static) -> io::Result<(Self, FlushGuard)> {
        let sink = Self(Arc::new(Shared {
            state: Mutex::default(),
            wake: Condvar::new(),
            drained: Condvar::new(),
        }));
        let writer = sink.clone();
        let (done, finished) = mpsc::channel();
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || {
                writer.write_out(&mut out);
                let _ = done.send(());
            })?;
        let guard = FlushGuard {
            sink: sink.clone(),
            finished,
        };
        Ok((sink, guard))
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves whole lines at worst: keep logging.
        self.0.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The writer thread: every `FLUSH_EVERY`, or sooner when woken, takes what is pending
    /// and writes it out, until the service stops.
    fn write_out(&self, out: &mut impl Write) {
        let mut spare = Vec::new();
        loop {
            let mut state = self.lock();
            if state.pending.len() < FLUSH_AT && !state.stopping {
                state = self
                    .0
                    .wake
                    .wait_timeout(state, FLUSH_EVERY)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            std::mem::swap(&mut state.pending, &mut spare);
            let stopping = state.stopping;
            drop(state);
            self.0.drained.notify_all();
            if !spare.is_empty() {
                // Nowhere to report a failed write to but the log itself: the lines are lost.
                let _ = out.write_all(&spare).and_then(|()| out.flush());
                spare.clear();
            }
            if stopping {
                return;
            }
        }
    }
}

impl Write for &LogSink {
    fn write(&mut self, line: &[u8]) -> io::Result<usize> {
        let mut state = self.lock();
        while state.pending.len() >= MAX_PENDING && !state.stopping {
            state = self
                .0
                .drained
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.pending.extend_from_slice(line);
        if state.pending.len() >= FLUSH_AT {
            self.0.wake.notify_one();
        }
        Ok(line.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogSink {
    type Writer = &'a LogSink;

    fn make_writer(&'a self) -> Self::Writer {
        self
    }
}

impl Drop for FlushGuard {
    fn drop(&mut self) {
        self.sink.lock().stopping = true;
        self.sink.0.wake.notify_one();
        let _ = self.finished.recv_timeout(FINAL_WRITE_WAIT);
    }
}
