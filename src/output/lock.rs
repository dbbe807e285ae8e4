//! One writer per output folder at a time. A build, `serve`'s incremental
//! writes and `jianbao pdf` hold an advisory lock (`flock`) on the file
//! `.<name>.lock` beside the output `<name>` while they write. Holding it
//! is also what lets a build tell the staging folders of dead builds from
//! those of a live one: whatever `.<name>.building-*` it finds while
//! holding the lock belongs to nobody and is removed.
//!
//! The lock dies with its process (the kernel drops it on `kill -9`), so a
//! crashed build never blocks the next one. The lock file is removed on
//! release, so nothing is left beside a finished output. Removing a lock
//! file others may be waiting on is safe with the usual check: a waiter
//! that gets the lock verifies that the path still names the file it
//! locked, and starts over if it does not.
//!
//! Locks are counted per process: `jianbao pdf` holds the lock across its
//! two builds and the printing between them, and the builds inside take it
//! again without waiting on themselves. Within one process the threads of
//! `serve` keep out of each other's way by their own means.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use anyhow::{Context, Result};

use super::Place;

/// Held until dropped.
#[must_use = "the lock is released when dropped"]
pub struct OutputLock {
    path: PathBuf,
}

struct Held {
    /// Open for as long as the lock is held: closing it unlocks.
    _file: File,
    count: usize,
}

fn held() -> &'static Mutex<HashMap<PathBuf, Held>> {
    static HELD: OnceLock<Mutex<HashMap<PathBuf, Held>>> = OnceLock::new();
    HELD.get_or_init(Default::default)
}

impl OutputLock {
    /// Waits until no other process writes `place`, saying so when it must.
    pub fn acquire(place: &Place) -> Result<OutputLock> {
        let path = place.sibling("lock");
        let mut held = held()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(entry) = held.get_mut(&path) {
            entry.count += 1;
            return Ok(OutputLock { path });
        }
        let file = loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .with_context(|| format!("无法建立锁文件 {}", path.display()))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let mut holder = String::new();
                    file.read_to_string(&mut holder).ok();
                    eprintln!(
                        "另一个 jianbao 进程（进程号 {}）正在写输出文件夹 {}，等它写完……",
                        holder.trim(),
                        place.out.display()
                    );
                    file.lock()
                        .with_context(|| format!("无法锁定 {}", path.display()))?;
                }
                Err(std::fs::TryLockError::Error(err)) => {
                    return Err(err).with_context(|| format!("无法锁定 {}", path.display()))
                }
            }
            if names_this_file(&path, &file) {
                break file;
            }
            // The holder we waited for removed the file: lock the new one.
        };
        // Who holds it, for the message of whoever waits.
        let mut file = file;
        file.set_len(0).ok();
        file.rewind().ok();
        write!(file, "{}", std::process::id()).ok();
        held.insert(
            path.clone(),
            Held {
                _file: file,
                count: 1,
            },
        );
        Ok(OutputLock { path })
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let mut held = held()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(entry) = held.get_mut(&self.path) else {
            return;
        };
        entry.count -= 1;
        if entry.count == 0 {
            // Removed while still locked; closing the file then unlocks it.
            std::fs::remove_file(&self.path).ok();
            held.remove(&self.path);
        }
    }
}

#[cfg(unix)]
fn names_this_file(path: &Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(on_disk), Ok(open)) => on_disk.dev() == open.dev() && on_disk.ino() == open.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so the path always names it.
#[cfg(not(unix))]
fn names_this_file(_path: &Path, _file: &File) -> bool {
    true
}
