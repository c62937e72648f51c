//! The name of a throwaway database, which says who made it and when:
//! `aurora_scratch_<purpose>_<host>_<pid>_<unix seconds>_<n>`, the host as 8 hex digits of a
//! hash of its name. From it alone an orphan is told from a live one: made on this host by a
//! process that no longer exists. Names of earlier versions (`aurora_scratch_<pid>_<nanos>`,
//! `aurora_squash_<pid>_<nanos>`) are read too, their host unknown. Pure but for reading this
//! host's name and its processes; must not import a driver.

#[cfg(any(feature = "autogenerate", test))]
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What every throwaway database's name starts with.
pub(crate) const PREFIX: &str = "aurora_scratch_";

/// The prefix of the squash's throwaway databases in earlier versions.
const OLD_SQUASH_PREFIX: &str = "aurora_squash_";

/// Who made a throwaway database, and when, as its name says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Name {
    /// The hash of the host's name (8 hex digits); `None` when the name does not say.
    pub(crate) host: Option<String>,
    /// The process that made it.
    pub(crate) pid: u32,
    /// When it was made, in seconds since the Unix epoch.
    pub(crate) made: u64,
}

/// Whether the process that made a throwaway database still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Maker {
    /// Made on this host by a process that no longer exists.
    Dead,
    /// Made on this host by a process that still exists (or another that took its pid).
    Running,
    /// Made on another host, or where this host's processes cannot be read: unknown.
    Unknown,
}

#[cfg(any(feature = "autogenerate", test))]
static SEQUENCE: AtomicU32 = AtomicU32::new(0);

/// A new name for a throwaway database made by this process for `purpose` (lowercase
/// letters).
#[cfg(any(feature = "autogenerate", test))]
pub(crate) fn new(purpose: &str) -> String {
    let made = now();
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    format!(
        "{PREFIX}{purpose}_{}_{}_{made}_{n}",
        this_host(),
        std::process::id()
    )
}

/// Reads a name this tool wrote (now or in an earlier version); `None` for any other.
pub(crate) fn parse(name: &str) -> Option<Name> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = name.strip_prefix(PREFIX) {
        let parts: Vec<&str> = rest.split('_').collect();
        if let [purpose, host, pid, made, n] = parts[..] {
            let hex = host.len() == 8 && host.bytes().all(|b| b.is_ascii_hexdigit());
            let word = !purpose.is_empty() && purpose.bytes().all(|b| b.is_ascii_lowercase());
            if word && hex && digits(pid) && digits(made) && digits(n) {
                return Some(Name {
                    host: Some(host.to_string()),
                    pid: pid.parse().ok()?,
                    made: made.parse().ok()?,
                });
            }
        }
    }
    // Earlier versions: <prefix><pid>_<nanos>.
    let rest = name
        .strip_prefix(PREFIX)
        .or_else(|| name.strip_prefix(OLD_SQUASH_PREFIX))?;
    let (pid, nanos) = rest.split_once('_')?;
    if !digits(pid) || !digits(nanos) {
        return None;
    }
    Some(Name {
        host: None,
        pid: pid.parse().ok()?,
        made: (nanos.parse::<u128>().ok()? / 1_000_000_000) as u64,
    })
}

/// Whether a name could be one of ours, by its prefix alone.
pub(crate) fn has_prefix(name: &str) -> bool {
    name.starts_with(PREFIX) || name.starts_with(OLD_SQUASH_PREFIX)
}

impl Name {
    /// Whether its maker still runs: known only for a name made on this host, where the
    /// processes can be read (`/proc`).
    pub(crate) fn maker(&self) -> Maker {
        if self.host.as_deref() != Some(this_host().as_str()) {
            return Maker::Unknown;
        }
        match process_exists(self.pid) {
            Some(true) => Maker::Running,
            Some(false) => Maker::Dead,
            None => Maker::Unknown,
        }
    }

    /// How long ago it was made (zero when the clocks disagree).
    pub(crate) fn age(&self) -> Duration {
        Duration::from_secs(now().saturating_sub(self.made))
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// This host's name, hashed to 8 hex digits (FNV-1a); `00000000` stands for a host whose name
/// cannot be read, and matches no host.
pub(crate) fn this_host() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty());
    let Some(name) = name else {
        return UNKNOWN_HOST.to_string();
    };
    let mut hash: u32 = 0x811c_9dc5;
    for byte in name.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    match hash {
        0 => "00000001".to_string(),
        hash => format!("{hash:08x}"),
    }
}

const UNKNOWN_HOST: &str = "00000000";

/// Whether process `pid` exists on this host (a zombie counts as gone); `None` where the
/// processes cannot be read.
fn process_exists(pid: u32) -> Option<bool> {
    if !std::path::Path::new("/proc/self").exists() || this_host() == UNKNOWN_HOST {
        return None;
    }
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the command's closing parenthesis: Z is a zombie, X dead.
        Ok(stat) => Some(
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.trim_start().chars().next())
                .is_none_or(|state| state != 'Z' && state != 'X'),
        ),
        Err(_) => Some(false),
    }
}
