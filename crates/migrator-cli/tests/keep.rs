//! `migrator export --keep N`: retention of scheduled exports, through the binary.

mod cli_common;

use cli_common::{archives, migrator, sample_image, stderr, stdout};

const OLDER: [&str; 3] = [
    "calliope_12312022235959.ininmigr",
    "calliope_01012023000000.ininmigr",
    "calliope_06152023120000.ininmigr",
];
const OTHER_SERVER: &str = "helios_01012020000000.ininmigr";

fn setup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let out = tmp.path().join("exports");
    std::fs::create_dir(&out).unwrap();
    for name in OLDER.iter().chain([&OTHER_SERVER]) {
        std::fs::write(out.join(name), b"an older export").unwrap();
    }
    (tmp, image, out)
}

#[test]
fn keep_two_leaves_the_new_export_and_the_newest_older_one_and_other_servers() {
    let (tmp, image, out) = setup();
    let output = migrator(tmp.path())
        .args(["export", "--nodes", "Users", "--keep", "2", "--server"])
        .arg(&image)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).matches("removed older export").count(), 2);
    let left: Vec<String> = archives(&out)
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left.len(), 3, "{left:?}");
    assert!(left.contains(&OLDER[2].to_owned()), "{left:?}");
    assert!(left.contains(&OTHER_SERVER.to_owned()), "{left:?}");
    assert!(!left.contains(&OLDER[0].to_owned()) && !left.contains(&OLDER[1].to_owned()));
}

#[test]
fn a_failed_export_removes_nothing() {
    let (tmp, image, out) = setup();
    let output = migrator(tmp.path())
        .args([
            "export",
            "--nodes",
            "No Such Component",
            "--keep",
            "1",
            "--server",
        ])
        .arg(&image)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(archives(&out).len(), 4);
}

#[test]
fn keep_zero_is_a_usage_error() {
    let (tmp, image, out) = setup();
    let output = migrator(tmp.path())
        .args(["export", "--keep", "0", "--server"])
        .arg(&image)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(archives(&out).len(), 4);
}
