//! A request to stop, raised by SIGINT/SIGTERM (or by an application), that the runner
//! honours by rolling back the migration in progress and releasing its lock.
//! Must not import the runner or a driver.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use tokio::sync::Notify;

/// A cloneable handle: raise it from anywhere, the runner sees it between and during steps.
#[derive(Debug, Clone, Default)]
pub struct Interrupt {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// 0 while not raised; otherwise the signal number that raised it.
    signal: AtomicU8,
    notify: Notify,
}

impl Interrupt {
    /// An interrupt not raised yet.
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Raises the interrupt; `signal` is the signal number (2 for SIGINT, 15 for SIGTERM).
    pub fn raise(&self, signal: u8) {
        self.inner.signal.store(signal.max(1), Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// The signal number that raised it, if it was raised.
    pub fn raised(&self) -> Option<u8> {
        match self.inner.signal.load(Ordering::SeqCst) {
            0 => None,
            signal => Some(signal),
        }
    }

    /// Resolves once the interrupt is raised.
    pub async fn wait(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.raised().is_some() {
                return;
            }
            notified.await;
        }
    }

    /// Raises this interrupt on SIGINT or SIGTERM, for as long as the process runs.
    pub fn listen_for_signals(&self) {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            for (kind, number) in [
                (SignalKind::interrupt(), 2u8),
                (SignalKind::terminate(), 15u8),
            ] {
                if let Ok(mut stream) = signal(kind) {
                    let interrupt = self.clone();
                    tokio::spawn(async move {
                        if stream.recv().await.is_some() {
                            interrupt.raise(number);
                        }
                    });
                }
            }
        }
        #[cfg(not(unix))]
        {
            let interrupt = self.clone();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    interrupt.raise(2);
                }
            });
        }
    }
}
