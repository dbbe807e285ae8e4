//! Putting a finished staging folder in the output's place so that the
//! output is whole at every instant, `kill -9` at any moment included.
//!
//! On Linux (and macOS) this is one system call: `renameat2` with
//! `RENAME_EXCHANGE` (`renamex_np` with `RENAME_SWAP` on macOS) swaps the
//! two folders' names atomically; the old site then sits under the
//! staging name until it is deleted. Before the swap the path names the
//! old site, after it the new one, never nothing. The first build moves
//! its folder in with `RENAME_NOREPLACE`, which also refuses to clobber a
//! folder someone made in the meantime.
//!
//! We chose the exchange over the other common pattern, a symbolic link
//! `public -> .public-<hash>` switched by renaming a new link over it,
//! because the output stays a plain folder: IT staff copy it, point nginx
//! or Apache at it or rsync it without knowing about links, and
//! `--out /srv/www/daibiao` keeps meaning that folder.
//!
//! Elsewhere (Windows), and on file systems that do not support the
//! exchange (some network file systems), the fallback is two renames:
//! output to the side, staging in, and the output put back should the
//! second fail. There the output is missing for the moment between them,
//! and a crash in that moment leaves the old site under
//! `.<name>.old-<pid>-<n>`, where the next build finds and removes it.

use std::io;
use std::path::Path;

/// Swaps the names of `staging` and `out`, both existing.
pub fn exchange(staging: &Path, out: &Path, aside: &Path) -> io::Result<()> {
    match atomic::exchange(staging, out) {
        Err(err) if atomic::unsupported(&err) => two_renames(staging, out, aside),
        other => other,
    }
}

/// Moves `staging` to `out`, which does not exist; fails with
/// `AlreadyExists` when it has appeared since.
pub fn move_new(staging: &Path, out: &Path) -> io::Result<()> {
    match atomic::no_replace(staging, out) {
        Err(err) if atomic::unsupported(&err) => {
            if out.symlink_metadata().is_ok() {
                return Err(io::ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(staging, out)
        }
        other => other,
    }
}

/// The fallback: afterwards `staging` holds the old output, as after an
/// exchange.
fn two_renames(staging: &Path, out: &Path, aside: &Path) -> io::Result<()> {
    std::fs::rename(out, aside)?;
    if let Err(err) = std::fs::rename(staging, out) {
        std::fs::rename(aside, out).ok();
        return Err(err);
    }
    std::fs::rename(aside, staging)
}

#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
mod atomic {
    use std::io;
    use std::path::Path;

    use rustix::fs::{renameat_with, RenameFlags, CWD};

    pub fn exchange(a: &Path, b: &Path) -> io::Result<()> {
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }

    pub fn no_replace(from: &Path, to: &Path) -> io::Result<()> {
        renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(io::Error::from)
    }

    /// The kernel or the file system does not offer the flag.
    pub fn unsupported(err: &io::Error) -> bool {
        matches!(
            err.raw_os_error(),
            Some(code) if code == rustix::io::Errno::INVAL.raw_os_error()
                || code == rustix::io::Errno::NOSYS.raw_os_error()
                || code == rustix::io::Errno::NOTSUP.raw_os_error()
                || code == rustix::io::Errno::OPNOTSUPP.raw_os_error()
        )
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
mod atomic {
    use std::io;
    use std::path::Path;

    pub fn exchange(_a: &Path, _b: &Path) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub fn no_replace(_from: &Path, _to: &Path) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
    }

    pub fn unsupported(err: &io::Error) -> bool {
        err.kind() == io::ErrorKind::Unsupported
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, aside) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("new"), "").unwrap();
        std::fs::write(b.join("old"), "").unwrap();
        exchange(&a, &b, &aside).unwrap();
        assert!(b.join("new").exists() && a.join("old").exists());
        assert!(!aside.exists());
        let err = move_new(&a, &b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        std::fs::remove_dir_all(&b).unwrap();
        move_new(&a, &b).unwrap();
        assert!(b.join("old").exists() && !a.exists());
    }

    /// The fallback leaves the folders as the exchange does.
    #[test]
    fn two_renames_end_as_an_exchange() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, out, aside) = (
            dir.path().join(".public.building-1"),
            dir.path().join("public"),
            dir.path().join(".public.old-1"),
        );
        std::fs::create_dir(&staging).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(staging.join("new"), "").unwrap();
        std::fs::write(out.join("old"), "").unwrap();
        two_renames(&staging, &out, &aside).unwrap();
        assert!(out.join("new").exists() && staging.join("old").exists());
        assert!(!aside.exists());
    }
}
