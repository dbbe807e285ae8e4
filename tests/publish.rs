//! Publishing safely: `build`, `serve` and `pdf` never delete a file
//! jianbao did not write, the output is whole at every instant, a real
//! `kill -9` of a real build at the swap included, and the next build
//! clears what a killed one left beside the output. Two builds of one
//! output take turns.
//!
//! The kills are timed with `strace -e inject=renameat2:delay_…`, which
//! holds the build at the one system call that swaps the output in
//! (`.ci/run` installs strace).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::server::serve_with_log;
use common::{jianbao_in, names_in, snapshot, Run, Site};

const RECORD: &str = ".jianbao-output";

/// The files the output's record lists.
fn listed(out: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(out.join(RECORD))
        .unwrap_or_else(|err| panic!("no record in {}: {err}", out.display()))
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

/// A whole output: a home page and a search index, every file it holds
/// on its record and every file on its record there.
fn assert_whole(out: &Path) {
    let mut present: BTreeSet<String> = snapshot(out).into_keys().collect();
    assert!(present.remove(RECORD), "no record in {}", out.display());
    assert!(present.contains("index.html"), "{present:?}");
    assert!(present.contains("search/meta.json"), "{present:?}");
    assert_eq!(present, listed(out), "files and record disagree");
}

/// Waits (up to a minute) until only `names` are in `dir`: the old
/// output is deleted in the background after a swap.
fn wait_for_names(dir: &Path, names: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while names_in(dir) != names && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(names_in(dir), names, "left beside the output");
}

fn run(site: &Site, args: &[&str]) -> Run {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(["--root".into(), site.root.display().to_string()]);
    jianbao_in(site.dir.path(), &all)
}

/// `www/robots.txt` and `www/about/index.html`: a web server's folder.
fn server_folder(site: &Site) -> PathBuf {
    let www = site.path("www");
    std::fs::create_dir_all(www.join("about")).unwrap();
    std::fs::write(www.join("robots.txt"), "User-agent: *\n").unwrap();
    std::fs::write(www.join("about/index.html"), "<p>关于我们</p>").unwrap();
    www
}

#[test]
fn a_folder_of_files_jianbao_did_not_write_is_refused_by_build_serve_and_pdf() {
    let site = Site::copy("basic");
    let www = server_folder(&site);
    let before = snapshot(&www);
    let out = www.display().to_string();
    let expected = format!(
        "错误：输出文件夹 {out} 不是 jianbao 生成的（其中没有输出记录 .jianbao-output），里面已有 2 个文件；为免删除它们，没有生成网站：\n  about/index.html\n  robots.txt\n处理办法：要随网站一起发布的文件（如 robots.txt）请放进网站的 static/ 文件夹"
    );
    let build = site.build(&www, &[]);
    build
        .expect_code(3)
        .expect_stderr(&expected)
        .expect_stderr("或者用 --out 指定一个不存在的或空的文件夹")
        .expect_stderr("加上 --replace-out 再运行一次");
    let serve = run(&site, &["serve", "--port", "0", "--out", &out]);
    serve.expect_code(3).expect_stderr(&expected);
    let mut pdf = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    pdf.args(["pdf", "--all", "--out", &out, "--root"])
        .arg(&site.root)
        .env("JIANBAO_CHROMIUM", common::chromium());
    let pdf = pdf.output().unwrap();
    assert_eq!(pdf.status.code(), Some(3), "{pdf:?}");
    assert!(
        String::from_utf8_lossy(&pdf.stderr).contains(&expected),
        "{pdf:?}"
    );
    assert_eq!(snapshot(&www), before, "the refused folder was touched");
    assert_eq!(names_in(site.dir.path()), ["site", "www"]);
}

/// The IT staff drop a search engine's site-verification file into the
/// served folder: the next build stops rather than delete it, and once
/// it sits in `static/` it is published with every build.
#[test]
fn a_file_added_to_a_built_output_stops_the_next_build_until_it_moves_to_static() {
    let site = Site::copy("basic");
    let out = site.path("public");
    site.build(&out, &[]).expect_code(0);
    assert_whole(&out);
    let verification = "baidu_verify_codeva-3f9a.html";
    std::fs::write(out.join(verification), "3f9a").unwrap();
    let before = snapshot(&out);
    site.build(&out, &[]).expect_code(3).expect_stderr(&format!(
        "错误：输出文件夹 {} 中有 1 个文件不是 jianbao 写入的；为免删除它们，没有生成网站：\n  {verification}\n处理办法：",
        out.display()
    ));
    assert_eq!(snapshot(&out), before);
    std::fs::remove_file(out.join(verification)).unwrap();
    site.write(&format!("static/{verification}"), "3f9a");
    site.build(&out, &[]).expect_code(0);
    assert_whole(&out);
    assert!(listed(&out).contains(verification));
    wait_for_names(site.dir.path(), &["public", "site"]);
}

#[test]
fn replace_out_replaces_a_foreign_folder_and_says_how_many_files_went() {
    let site = Site::copy("basic");
    let www = server_folder(&site);
    site.build(&www, &["--replace-out"])
        .expect_code(0)
        .expect_stderr(&format!(
            "按 --replace-out 的要求，{} 中原有的 2 个不是 jianbao 生成的文件已被新网站取代。",
            www.display()
        ));
    assert!(!www.join("about").exists());
    let robots = std::fs::read_to_string(www.join("robots.txt")).unwrap();
    assert_ne!(robots, "User-agent: *\n", "the old robots.txt stayed");
    assert_whole(&www);
    wait_for_names(site.dir.path(), &["site", "www"]);
}

#[cfg(unix)]
#[test]
fn an_empty_folder_and_file_browser_litter_are_no_obstacle_and_permissions_stay() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::copy("basic");
    let www = site.path("www");
    std::fs::create_dir(&www).unwrap();
    std::fs::set_permissions(&www, std::fs::Permissions::from_mode(0o750)).unwrap();
    site.build(&www, &[]).expect_code(0);
    assert_whole(&www);
    std::fs::write(www.join(".DS_Store"), "Finder").unwrap();
    std::fs::write(www.join("2024/Thumbs.db"), "Explorer").unwrap();
    site.build(&www, &[]).expect_code(0);
    assert_whole(&www);
    let mode = std::fs::metadata(&www).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o750, "the output's permissions changed");
    wait_for_names(site.dir.path(), &["site", "www"]);
}

/// `jianbao pdf` adds its PDFs to the record: the next build keeps them
/// and replaces the folder as its own.
#[test]
fn pdfs_printed_into_the_output_are_on_its_record() {
    let site = Site::copy("basic");
    let out = site.path("public");
    let mut pdf = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    pdf.args(["pdf", "2024/01", "--out"])
        .arg(&out)
        .arg("--root")
        .arg(&site.root)
        .env("JIANBAO_CHROMIUM", common::chromium());
    let pdf = pdf.output().unwrap();
    assert!(pdf.status.success(), "{pdf:?}");
    let name = "2024/01/代表工作-2024-第01期.pdf";
    assert!(out.join(name).is_file());
    assert!(listed(&out).contains(name));
    site.build(&out, &[]).expect_code(0);
    assert!(out.join(name).is_file(), "the PDF went");
    assert_whole(&out);
}

/// `serve` writes pages and search shards into the live output between
/// builds; they are recorded, so a `build` afterwards replaces it.
#[test]
fn files_serve_adds_are_on_the_record() {
    let site = Site::copy("basic");
    let out = site.path("public");
    let (server, _port, log) = serve_with_log(&site.root, Some(&out));
    let before = listed(&out);
    let report = site.file("content/2024/01/02-chinese-keys.md");
    let text = std::fs::read_to_string(&report).unwrap();
    // Thousands of characters the archive never had: the search index
    // outgrows its shards and gets new ones.
    let new: String = (0x4e00..0x4e00 + 6000).filter_map(char::from_u32).collect();
    std::fs::write(&report, format!("{text}\n{new}。\n")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let line = log
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .expect("serve updated the search index");
        assert!(!line.starts_with("完整重建"), "{line}");
        if line.starts_with("检索索引已更新") {
            break;
        }
    }
    drop(server);
    assert_whole(&out);
    assert!(
        listed(&out).len() > before.len(),
        "the edit wrote no new file: nothing was tested"
    );
    site.build(&out, &[]).expect_code(0);
    assert_whole(&out);
}

/// `jianbao build` under strace, held `delay` at its swap (the only
/// `renameat2` it makes): `delay_enter` before the swap, `delay_exit`
/// after it.
fn build_held_at_the_swap(site: &Site, out: &Path, delay: &str) -> Child {
    Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=renameat2",
            "-e",
        ])
        .arg(format!("inject=renameat2:{delay}=30000000"))
        .arg(env!("CARGO_BIN_EXE_jianbao"))
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("strace is needed for these tests: apt-get install strace (.ci/run installs it)")
}

/// The staging folder of the build writing `out`, once it is complete
/// (its record is written last, just before the swap), and the build's
/// process number from its name.
fn finished_staging(out: &Path) -> (PathBuf, u32) {
    let parent = out.parent().unwrap();
    let prefix = format!(".{}.building-", out.file_name().unwrap().to_string_lossy());
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for name in names_in(parent) {
            if let Some(rest) = name.strip_prefix(&prefix) {
                let staging = parent.join(&name);
                if staging.join(RECORD).is_file() {
                    let pid = rest.split('-').next().unwrap().parse().unwrap();
                    return (staging, pid);
                }
            }
        }
        assert!(Instant::now() < deadline, "no finished staging folder");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A real `kill -9` of the build held by `strace`. A traced process dies
/// of it once its tracer lets go, and it runs no instruction of its own
/// before (the kernel skips a system call entered with SIGKILL pending),
/// so strace is stopped next, rather than left to sit out its delay.
/// Returns once the build is gone.
fn kill_9(pid: u32, strace: &mut Child) {
    let status = Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    strace.kill().ok();
    strace.wait().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = stat.rsplit_once(") ").map(|(_, rest)| &rest[..1]);
        if matches!(state, None | Some("Z" | "X")) {
            break;
        }
        assert!(Instant::now() < deadline, "the build outlived kill -9");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The site with one report changed, so old and new outputs differ.
fn edit(site: &Site) {
    let report = site.file("content/2024/01/02-chinese-keys.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n这一句是新加的。\n")).unwrap();
}

#[test]
fn killed_at_the_swap_the_output_is_the_old_one_whole_and_the_next_build_cleans_up() {
    let site = Site::copy("basic");
    let out = site.path("public");
    site.build(&out, &[]).expect_code(0);
    wait_for_names(site.dir.path(), &["public", "site"]);
    let before = snapshot(&out);
    edit(&site);
    let mut held = build_held_at_the_swap(&site, &out, "delay_enter");
    let (staging, pid) = finished_staging(&out);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(snapshot(&out), before, "the output changed before the swap");
    kill_9(pid, &mut held);
    assert_eq!(snapshot(&out), before, "the old output is not whole");
    assert!(staging.exists(), "the killed build's staging folder");
    site.build(&out, &[]).expect_code(0);
    assert_whole(&out);
    assert!(
        common::read_output(&out, "2024/01/02-chinese-keys/index.html").contains("这一句是新加的")
    );
    wait_for_names(site.dir.path(), &["public", "site"]);
}

#[test]
fn killed_just_after_the_swap_the_output_is_the_new_one_whole_and_the_next_build_cleans_up() {
    let site = Site::copy("basic");
    let out = site.path("public");
    site.build(&out, &[]).expect_code(0);
    wait_for_names(site.dir.path(), &["public", "site"]);
    let page = "2024/01/02-chinese-keys/index.html";
    let old_page = common::read_output(&out, page);
    edit(&site);
    let mut held = build_held_at_the_swap(&site, &out, "delay_exit");
    let (staging, pid) = finished_staging(&out);
    // The swap is done when the output's page is the new one.
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::fs::read_to_string(out.join(page)).ok().as_ref() == Some(&old_page) {
        assert!(Instant::now() < deadline, "the swap never happened");
        std::thread::sleep(Duration::from_millis(10));
    }
    kill_9(pid, &mut held);
    assert_whole(&out);
    assert!(
        common::read_output(&out, "2024/01/02-chinese-keys/index.html").contains("这一句是新加的")
    );
    // The old output, under the staging name.
    assert_eq!(
        std::fs::read_to_string(staging.join("2024/01/02-chinese-keys/index.html")).unwrap(),
        old_page
    );
    site.build(&out, &[]).expect_code(0);
    assert_whole(&out);
    wait_for_names(site.dir.path(), &["public", "site"]);
}

#[test]
fn a_first_build_killed_at_the_swap_leaves_no_output_and_the_next_build_cleans_up() {
    let site = Site::copy("basic");
    let out = site.path("public");
    let mut held = build_held_at_the_swap(&site, &out, "delay_enter");
    let (staging, pid) = finished_staging(&out);
    kill_9(pid, &mut held);
    assert!(!out.exists());
    assert!(staging.exists());
    site.build(&out, &[]).expect_code(0);
    assert_whole(&out);
    wait_for_names(site.dir.path(), &["public", "site"]);
}

#[test]
fn two_builds_of_one_output_take_turns() {
    let site = Site::copy("basic");
    let out = site.path("public");
    site.build(&out, &[]).expect_code(0);
    edit(&site);
    let first = Command::new("strace")
        .args([
            "-f",
            "-qq",
            "-o",
            "/dev/null",
            "-e",
            "trace=renameat2",
            "-e",
        ])
        .arg("inject=renameat2:delay_enter=3000000")
        .arg(env!("CARGO_BIN_EXE_jianbao"))
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("strace");
    let (staging, pid) = finished_staging(&out);
    let second = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    assert!(
        staging.exists(),
        "the second build took the first one's folder"
    );
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{first:?}");
    let second = second.wait_with_output().unwrap();
    assert!(second.status.success(), "{second:?}");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!(
            "另一个 jianbao 进程（进程号 {pid}）正在写输出文件夹 {}，等它写完……",
            out.display()
        )),
        "{stderr}"
    );
    assert_whole(&out);
    wait_for_names(site.dir.path(), &["public", "site"]);
}
