//! Helpers of the tests of the shared command infrastructure: sample server images made by
//! the library's generator, the binary with a private temporary folder, and 7-Zip as a peer.

#![allow(dead_code)]

pub mod pty;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migrator_core::sample::{self, SampleSpec, Size};
use migrator_core::server::ServerKind;

/// A small sample CIC server image `server` (site `site`, release `version`) in `dir`.
pub fn sample_image(dir: &Path, server: &str, site: &str, version: &str) -> PathBuf {
    let spec = SampleSpec {
        kind: ServerKind::Cic,
        version: version.parse().expect("a known release"),
        site: site.to_owned(),
        server: server.to_owned(),
        size: Size::Small,
        seed: 7,
        command_servers: Vec::new(),
    };
    sample::generate(&spec, dir).expect("the sample is written");
    dir.to_path_buf()
}

/// The binary, with its temporary folder (and so its default log folder) in `tmp`.
pub fn migrator(tmp: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrator"));
    command
        .env("TMPDIR", tmp)
        .env("TEMP", tmp)
        .env("TMP", tmp)
        .env_remove("MIGRATOR_PASSWORD");
    command
}

/// Every log file the runs with temporary folder `tmp` wrote, concatenated.
pub fn all_logs(tmp: &Path) -> String {
    let dir = tmp.join("inin_tracing");
    let mut text = String::new();
    for entry in std::fs::read_dir(dir).expect("the log folder exists") {
        text.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    text
}

/// The `.ininmigr` files in `dir`, sorted by name.
pub fn archives(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    found.retain(|p| p.extension().is_some_and(|e| e == "ininmigr"));
    found.sort();
    found
}

/// Whether 7-Zip tests `archive` clean with `password`.
pub fn seven_zip_ok(archive: &Path, password: &str) -> bool {
    let output = Command::new("7zz")
        .arg("t")
        .arg(archive)
        .arg(format!("-p{password}"))
        .output()
        .expect("7zz runs (apt-get install 7zip)");
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains("Everything is Ok")
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A small RAM disk mounted at `dir`, unmounted on drop; `None` where mounting is not allowed.
pub struct RamDisk(PathBuf);

impl RamDisk {
    pub fn mount(dir: &Path, bytes: u64) -> Option<RamDisk> {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status();
        status
            .is_ok_and(|s| s.success())
            .then(|| RamDisk(dir.to_path_buf()))
    }

    /// Fills the disk until only `free` bytes are left.
    pub fn leave_free(&self, free: u64) {
        let output = Command::new("df")
            .args(["-B1", "--output=avail"])
            .arg(&self.0)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        let avail: u64 = text.lines().nth(1).unwrap().trim().parse().unwrap();
        let filler = avail
            .checked_sub(free)
            .expect("the disk has room for the test");
        std::fs::write(self.0.join("filler"), vec![0u8; filler as usize]).unwrap();
    }
}

impl Drop for RamDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}
