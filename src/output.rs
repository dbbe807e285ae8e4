//! The write stage: the new site is written into a staging folder beside
//! the output and swapped in only when complete, so a failed build leaves
//! the previous site exactly as it was.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::render::templates::Origin;
use crate::render::{Contents, OutputFile};

pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    committed: bool,
}

impl Staging {
    /// A fresh staging folder next to `out` (same file system, so the swap
    /// is a rename).
    pub fn create(out: &Path) -> Result<Staging> {
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)
            .with_context(|| format!("无法创建输出文件夹的上级目录 {}", parent.display()))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let dir = parent.join(format!(".{name}.building-{}", std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)
                .with_context(|| format!("无法清理临时文件夹 {}", dir.display()))?;
        }
        fs::create_dir_all(&dir)
            .with_context(|| format!("无法创建临时文件夹 {}", dir.display()))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn write(&self, file: &OutputFile) -> Result<()> {
        if file.path.split('/').any(|part| part == "..") || file.path.starts_with('/') {
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
        Ok(())
    }

    /// Swaps the staging folder in for the output folder.
    pub fn commit(mut self) -> Result<()> {
        let parent = self.dir.parent().unwrap_or(Path::new(".")).to_path_buf();
        let name = self
            .out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        if old.exists() {
            fs::remove_dir_all(&old).ok();
        }
        let had_previous = self.out.exists();
        if had_previous {
            fs::rename(&self.out, &old)
                .with_context(|| format!("无法替换原有的输出文件夹 {}", self.out.display()))?;
        }
        if let Err(err) = fs::rename(&self.dir, &self.out) {
            if had_previous {
                fs::rename(&old, &self.out).ok();
            }
            return Err(err).with_context(|| format!("无法把新网站放到 {}", self.out.display()));
        }
        self.committed = true;
        if had_previous {
            discard_tree(&old)
                .with_context(|| format!("新网站已生成，但无法删除旧文件夹 {}", old.display()))?;
        }
        Ok(())
    }
}

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
/// archive's output is tens of thousands of files.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.par_iter().try_for_each(|path| {
        if path.is_dir() && !path.is_symlink() {
            let children: Vec<PathBuf> = fs::read_dir(path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .collect();
            children.par_iter().try_for_each(|child| {
                if child.is_dir() && !child.is_symlink() {
                    fs::remove_dir_all(child)
                } else {
                    fs::remove_file(child)
                }
            })?;
            fs::remove_dir(path)
        } else {
            fs::remove_file(path)
        }
    })?;
    fs::remove_dir(dir)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            fs::remove_dir_all(&self.dir).ok();
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
/// there: `serve`'s incremental rebuilds. Returns the paths rewritten.
pub fn update_in_place(out: &Path, files: &[OutputFile]) -> Result<Vec<String>> {
    let changed: Vec<Option<String>> = files
        .par_iter()
        .map(|file| {
            if file.path.split('/').any(|part| part == "..") || file.path.starts_with('/') {
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
    Ok(changed.into_iter().flatten().collect())
}
