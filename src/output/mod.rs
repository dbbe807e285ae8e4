//! The write stage: the new site is written into a staging folder beside
//! the output and swapped in only when complete, so a failed build leaves
//! the previous site exactly as it was. Nothing here deletes a file
//! jianbao did not write (`ownership`); the swap is one atomic step
//! (`swap`); one writer at a time per output (`lock`), which also lets
//! the next build clear what a killed one left beside the output.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::render::templates::Origin;
use crate::render::{Contents, OutputFile};

mod lock;
mod ownership;
mod swap;

pub use lock::OutputLock;
pub use ownership::{add_to_record, foreign_files, Foreign, ForeignOutput, MANIFEST};

/// Where an output goes: the folder, its parent and its name, with a
/// symbolic link at the output's place followed to the folder it names
/// (`--out /srv/www/daibiao` replaces what the web server serves, not the
/// link). Staging folders, the lock and leftovers sit beside it as
/// `.<name>.<what>`, on the same file system so that a rename swaps them.
#[derive(Debug, Clone)]
pub struct Place {
    pub out: PathBuf,
    parent: PathBuf,
    name: String,
}

impl Place {
    /// Makes the parent folder when it is missing.
    pub fn of(out: &Path) -> Result<Place> {
        // `.` and `..` name no folder by themselves: their real path does.
        let out = match fs::symlink_metadata(out) {
            Ok(meta) if meta.file_type().is_symlink() || out.file_name().is_none() => {
                out.canonicalize().unwrap_or(out.into())
            }
            _ => out.to_path_buf(),
        };
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("无法创建输出文件夹的上级目录 {}", parent.display()))?;
        let parent = parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf());
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        Ok(Place {
            out: parent.join(&name),
            parent,
            name,
        })
    }

    /// `<parent>/.<name>.<what>`.
    fn sibling(&self, what: &str) -> PathBuf {
        self.parent.join(format!(".{}.{what}", self.name))
    }

    /// A name beside the output no other build uses, even one whose
    /// process number is this one's reused.
    fn unique_sibling(&self, what: &str) -> PathBuf {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.sibling(&format!("{what}-{}-{nanos}{n}", std::process::id()))
    }

    /// Staging folders and old outputs of builds that died before
    /// cleaning up (`kill -9`, a power cut): with the lock held, no live
    /// build owns any of them. After a crash between the two renames of
    /// the fallback swap the output is missing and the old one is aside:
    /// it is put back first, so a failure of this build still leaves it.
    fn remove_leftovers(&self) {
        let building = format!(".{}.building-", self.name);
        let old = format!(".{}.old-", self.name);
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return;
        };
        let mut leftovers: Vec<(PathBuf, bool)> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                let is_old = name.starts_with(&old);
                (is_old || name.starts_with(&building)).then(|| (entry.path(), is_old))
            })
            .collect();
        if fs::symlink_metadata(&self.out).is_err() {
            let newest_old = leftovers
                .iter()
                .filter(|(_, is_old)| *is_old)
                .max_by_key(|(path, _)| fs::metadata(path).and_then(|m| m.modified()).ok())
                .map(|(path, _)| path.clone());
            if let Some(path) = newest_old {
                if fs::rename(&path, &self.out).is_ok() {
                    leftovers.retain(|(p, _)| *p != path);
                }
            }
        }
        for (path, _) in leftovers {
            remove_tolerantly(&path);
        }
    }
}

/// The lock on an output, for commands that write into it between builds
/// (`jianbao pdf`); builds inside take it again without waiting.
pub fn lock(out: &Path) -> Result<OutputLock> {
    OutputLock::acquire(&Place::of(out)?)
}

/// Refuses an output folder holding files jianbao did not write.
pub fn check_ownership(out: &Path) -> Result<()> {
    match foreign_files(out)? {
        Some(foreign) => Err(foreign.into()),
        None => Ok(()),
    }
}

/// A new site being written beside the output, swapped in by `commit`.
pub struct Staging {
    dir: PathBuf,
    place: Place,
    /// Every file written, for the output's record.
    written: Mutex<Vec<String>>,
    /// The folder's permissions as made, kept from readers until done.
    mode: Option<u32>,
    replace: bool,
    committed: bool,
    _lock: OutputLock,
}

/// What a swap did.
#[derive(Debug, Default, Clone)]
pub struct Swapped {
    /// Files jianbao had not written, replaced at the user's request.
    pub replaced_foreign: usize,
}

impl Staging {
    /// A fresh staging folder next to `out` (same file system, so the swap
    /// is a rename), with the output locked and dead builds' leftovers
    /// removed. With `replace`, files in the output that jianbao did not
    /// write are replaced too; otherwise `commit` refuses them.
    pub fn create(out: &Path, replace: bool) -> Result<Staging> {
        let place = Place::of(out)?;
        let lock = OutputLock::acquire(&place)?;
        place.remove_leftovers();
        let dir = place.unique_sibling("building");
        fs::create_dir(&dir).with_context(|| format!("无法创建临时文件夹 {}", dir.display()))?;
        // A web server that serves the parent folder must not serve a
        // half-written copy: the folder is the builder's alone until the
        // swap gives it the output's permissions.
        let mode = keep_private(&dir);
        Ok(Staging {
            dir,
            place,
            written: Mutex::new(Vec::new()),
            mode,
            replace,
            committed: false,
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, file: &OutputFile) -> Result<()> {
        if file.path.split('/').any(|part| part == "..")
            || file.path.starts_with('/')
            || file.path == MANIFEST
        {
            bail!("拒绝写出位置异常的文件：{}", file.path);
        }
        let target = self.dir.join(&file.path);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent)
                .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        }
        match &file.contents {
            Contents::Text(text) => {
                let mut handle = fs::File::create(&target)
                    .with_context(|| format!("无法写入 {}", target.display()))?;
                handle
                    .write_all(text.as_bytes())
                    .with_context(|| format!("无法写入 {}", target.display()))?;
            }
            Contents::Keep(source) => {
                if fs::hard_link(source, &target).is_err() {
                    fs::copy(source, &target).with_context(|| {
                        format!("无法把 {} 复制到 {}", source.display(), target.display())
                    })?;
                }
            }
            Contents::Bytes(bytes) => {
                fs::write(&target, bytes)
                    .with_context(|| format!("无法写入 {}", target.display()))?;
            }
            Contents::Copy(Origin::Builtin(bytes)) => {
                fs::write(&target, bytes)
                    .with_context(|| format!("无法写入 {}", target.display()))?;
            }
            Contents::Copy(Origin::File(source)) => {
                fs::copy(source, &target).with_context(|| {
                    format!("无法把 {} 复制到 {}", source.display(), target.display())
                })?;
            }
        }
        self.written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(file.path.clone());
        Ok(())
    }

    /// Writes the output's record and swaps the staging folder in for
    /// the output in one step (see `swap`). The old output is deleted in
    /// the background. Refuses, leaving the output as it was, when files
    /// jianbao did not write appeared in it meanwhile.
    pub fn commit(mut self) -> Result<Swapped> {
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        let record = self.dir.join(MANIFEST);
        fs::write(&record, ownership::record_text(&written))
            .with_context(|| format!("无法写入 {}", record.display()))?;
        let out = self.place.out.clone();
        let mut swapped = Swapped::default();
        // Checked as late as possible: a file put there during the render
        // is not lost either.
        if let Some(foreign) = foreign_files(&out)? {
            if !self.replace {
                return Err(foreign.into());
            }
            swapped.replaced_foreign = foreign.total;
        }
        let existed = fs::symlink_metadata(&out).is_ok();
        if existed {
            self.exchange()?;
        } else {
            restore_mode(&self.dir, self.mode);
            match swap::move_new(&self.dir, &out) {
                Ok(()) => self.committed = true,
                // Made by someone since the check above: not ours to
                // replace without a look.
                Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                    match foreign_files(&out)? {
                        Some(foreign) if !self.replace => return Err(foreign.into()),
                        _ => self.exchange()?,
                    }
                }
                Err(err) => {
                    return Err(err).with_context(|| format!("无法把新网站放到 {}", out.display()))
                }
            }
        }
        Ok(swapped)
    }

    /// Swaps the finished folder with the existing output; the old one,
    /// now under the staging name, goes aside and is deleted.
    fn exchange(&mut self) -> Result<()> {
        let out = &self.place.out;
        let mode = fs::metadata(out)
            .ok()
            .and_then(|m| unix_mode(&m))
            .or(self.mode);
        restore_mode(&self.dir, mode);
        let aside = self.place.unique_sibling("old");
        swap::exchange(&self.dir, out, &aside).map_err(|err| {
            let hint = if matches!(err.raw_os_error(), Some(16 | 18)) {
                "（输出文件夹可能是挂载点：请把 --out 指向其中的一个子文件夹）"
            } else {
                ""
            };
            anyhow::Error::new(err)
                .context(format!("无法替换原有的输出文件夹 {}{hint}", out.display()))
        })?;
        self.committed = true;
        let old = if fs::rename(&self.dir, &aside).is_ok() {
            aside
        } else {
            self.dir.clone()
        };
        keep_private(&old);
        discard_tree(&old)
            .with_context(|| format!("新网站已生成，但无法删除旧文件夹 {}", old.display()))
    }
}

#[cfg(unix)]
fn unix_mode(meta: &fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

#[cfg(not(unix))]
fn unix_mode(_meta: &fs::Metadata) -> Option<u32> {
    None
}

/// Makes `dir` the owner's alone; returns the mode it had.
fn keep_private(dir: &Path) -> Option<u32> {
    let mode = unix_mode(&fs::metadata(dir).ok()?)?;
    set_mode(dir, 0o700);
    Some(mode)
}

fn restore_mode(dir: &Path, mode: Option<u32>) {
    if let Some(mode) = mode {
        set_mode(dir, mode);
    }
}

#[cfg(unix)]
fn set_mode(dir: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).ok();
}

#[cfg(not(unix))]
fn set_mode(_dir: &Path, _mode: u32) {}

/// Removes the previous output once the new one is in place. Unlinking tens
/// of thousands of files takes seconds on slow disks and nobody waits for
/// it, so on Unix a background `rm` does it; elsewhere it is done here.
fn discard_tree(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let spawned = std::process::Command::new("rm")
            .arg("-rf")
            .arg("--")
            .arg(dir)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        if spawned.is_ok() {
            return Ok(());
        }
    }
    remove_tree(dir)
}

/// `remove_dir_all`, with the top-level entries removed in parallel: an
/// archive's output is tens of thousands of files. Files already gone
/// are no error: a previous build's background `rm` may be deleting the
/// same leftover.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let gone = |result: std::io::Result<()>| match result {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    };
    let entries: Vec<PathBuf> = match fs::read_dir(dir) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(err) => return gone(Err(err)),
    };
    entries.par_iter().try_for_each(|path| {
        let is_dir = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
        if is_dir {
            remove_tree(path)
        } else {
            gone(fs::remove_file(path))
        }
    })?;
    gone(fs::remove_dir(dir))
}

fn remove_tolerantly(path: &Path) {
    let is_dir = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if is_dir {
        set_mode(path, 0o700);
        remove_tree(path).ok();
    } else {
        fs::remove_file(path).ok();
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_tree(&self.dir).ok();
        }
    }
}

/// Refuses output folders whose replacement would destroy the site's
/// sources: the root itself, an ancestor of it, or `content/` and friends.
pub fn check_output_location(root: &Path, out: &Path) -> Result<()> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let out_abs = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()?.join(out)
    };
    let out_abs = match (out_abs.parent(), out_abs.file_name()) {
        (Some(parent), Some(name)) => parent
            .canonicalize()
            .unwrap_or_else(|_| parent.to_path_buf())
            .join(name),
        _ => out_abs,
    };
    if root.starts_with(&out_abs) {
        bail!(
            "输出文件夹 {} 包含了网站文件夹本身，替换它会删除源文件；请换一个输出位置",
            out_abs.display()
        );
    }
    for protected in ["content", "templates", "themes", "static", "site.toml"] {
        let path = root.join(protected);
        if out_abs.starts_with(&path) {
            bail!(
                "输出文件夹不能放在 {} 中：请换一个输出位置（默认为 public/）",
                path.display()
            );
        }
    }
    Ok(())
}

/// Writes `files` into the live output folder, each by a rename so a reader
/// never sees half a file, and only where the bytes differ from what is
/// there: `serve`'s incremental rebuilds. Files new to the output are
/// added to its record. Returns the paths rewritten.
pub fn update_in_place(out: &Path, files: &[OutputFile]) -> Result<Vec<String>> {
    let _lock = lock(out)?;
    let changed: Vec<Option<String>> = files
        .par_iter()
        .map(|file| {
            if file.path.split('/').any(|part| part == "..")
                || file.path.starts_with('/')
                || file.path == MANIFEST
            {
                bail!("拒绝写出位置异常的文件：{}", file.path);
            }
            let bytes: std::borrow::Cow<[u8]> = match &file.contents {
                Contents::Text(text) => text.as_bytes().into(),
                Contents::Bytes(bytes) => bytes.as_slice().into(),
                Contents::Copy(Origin::Builtin(bytes)) => (*bytes).into(),
                Contents::Copy(Origin::File(source)) | Contents::Keep(source) => fs::read(source)
                    .with_context(|| format!("无法读取 {}", source.display()))?
                    .into(),
            };
            let target = out.join(&file.path);
            if fs::read(&target).is_ok_and(|old| old == *bytes) {
                return Ok(None);
            }
            let parent = target.parent().unwrap_or(out);
            fs::create_dir_all(parent)
                .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
            let name = target
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let temporary = parent.join(format!(".{name}.jianbao-{}", std::process::id()));
            fs::write(&temporary, &bytes)
                .with_context(|| format!("无法写入 {}", temporary.display()))?;
            fs::rename(&temporary, &target)
                .with_context(|| format!("无法写入 {}", target.display()))?;
            Ok(Some(file.path.clone()))
        })
        .collect::<Result<_>>()?;
    let changed: Vec<String> = changed.into_iter().flatten().collect();
    add_to_record(out, &changed)?;
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What dead builds leave is removed; an old output left aside by a
    /// fallback swap killed halfway is put back first.
    #[test]
    fn leftovers_of_dead_builds_are_removed_and_a_lost_output_restored() {
        let dir = tempfile::tempdir().unwrap();
        let place = Place::of(&dir.path().join("public")).unwrap();
        for name in [".public.building-7-1", ".public.old-7-2", ".public.old-8-3"] {
            fs::create_dir_all(dir.path().join(name).join("2024")).unwrap();
            fs::write(dir.path().join(name).join("2024/index.html"), name).unwrap();
        }
        fs::create_dir(dir.path().join(".public.tantivy")).unwrap();
        fs::create_dir(dir.path().join(".other.building-1")).unwrap();
        place.remove_leftovers();
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [".other.building-1", ".public.tantivy", "public"]);
        assert!(place.out.join("2024/index.html").is_file());
        // With the output in place, nothing is put back.
        fs::create_dir(dir.path().join(".public.old-9-4")).unwrap();
        place.remove_leftovers();
        assert!(!dir.path().join(".public.old-9-4").exists());
        assert!(place.out.join("2024/index.html").is_file());
    }
}
