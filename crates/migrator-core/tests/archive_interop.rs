//! Other tools read our archives: 7-Zip tests them with and without a password, Info-ZIP
//! `unzip` and Python's `zipfile` open unencrypted ones, and a copy renamed to `.zip` is all a
//! user needs to browse one. Nothing sensitive shows without the password.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::*;

fn run(program: &str, args: &[&str], dir: &Path) -> Output {
    Command::new(program)
        .args(args)
        .env("LANG", "C.UTF-8")
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (scripts/test.sh does it): {e}"))
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn seven_zip_tests_an_encrypted_archive_clean_with_its_password_only() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("Pa ss-w0rd")));
    let file = path.to_str().unwrap();

    let good = run("7zz", &["t", "-pPa ss-w0rd", file], fx.dest.path());
    assert!(good.status.success(), "{}", text(&good));
    assert!(text(&good).contains("Everything is Ok"), "{}", text(&good));

    let bad = run("7zz", &["t", "-pwrong", file], fx.dest.path());
    assert!(!bad.status.success(), "{}", text(&bad));

    let listing = run("7zz", &["l", "-slt", file], fx.dest.path());
    let listing = text(&listing);
    assert!(listing.contains("Method = AES-256 Deflate"), "{listing}");
    assert!(listing.contains("Method = AES-256 Store"), "{listing}");
    assert_eq!(listing.matches("Encrypted = +").count(), 4, "{listing}");
}

#[test]
fn seven_zip_takes_a_non_ascii_password_as_utf8() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("pässwörd€")));
    let good = run(
        "7zz",
        &["t", "-ppässwörd€", path.to_str().unwrap()],
        fx.dest.path(),
    );
    assert!(text(&good).contains("Everything is Ok"), "{}", text(&good));
}

#[test]
fn without_the_password_nothing_sensitive_shows() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("secret")));
    let bytes = std::fs::read(&path).unwrap();
    for word in [
        "CIC01", "Main", "Users", "Prompts", "prompt", "registry", "secret",
    ] {
        let found = bytes.windows(word.len()).any(|w| w == word.as_bytes());
        assert!(!found, "{word:?} is readable in the encrypted archive");
    }
    let listing = text(&run(
        "unzip",
        &["-Z1", path.to_str().unwrap()],
        fx.dest.path(),
    ));
    let names: Vec<&str> = listing.lines().collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "components/001.zip",
            "components/002.zip",
            "components/003.zip"
        ]
    );
}

#[test]
fn seven_zip_extracts_the_encrypted_components_byte_for_byte() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("secret")));
    let out = tempfile::tempdir().unwrap();
    let args = ["x", "-psecret", "-y", path.to_str().unwrap()];
    let extracted = run("7zz", &args, out.path());
    assert!(extracted.status.success(), "{}", text(&extracted));
    let inner = out.path().join("components/002.zip");
    let files = tempfile::tempdir().unwrap();
    let nested = run("7zz", &["x", "-y", inner.to_str().unwrap()], files.path());
    assert!(nested.status.success(), "{}", text(&nested));
    for (relative, source) in &fx.prompt_files {
        let copy = std::fs::read(files.path().join(relative)).unwrap();
        assert_eq!(copy, std::fs::read(source).unwrap(), "{relative}");
    }
    let registry = std::fs::read(files.path().join("registry.reg")).unwrap();
    assert_eq!(registry, b"prompts registry");
}

#[test]
fn an_unencrypted_archive_opens_in_seven_zip_unzip_and_python() {
    let fx = Fixture::new();
    let path = fx.write(None);
    let file = path.to_str().unwrap();

    let seven = run("7zz", &["t", file], fx.dest.path());
    assert!(
        text(&seven).contains("Everything is Ok"),
        "{}",
        text(&seven)
    );
    let unzip = run("unzip", &["-t", file], fx.dest.path());
    assert!(unzip.status.success(), "{}", text(&unzip));
    assert!(
        text(&unzip).contains("No errors detected"),
        "{}",
        text(&unzip)
    );

    let script = r#"
import io, json, sys, zipfile
outer = zipfile.ZipFile(sys.argv[1])
assert outer.testzip() is None
manifest = json.loads(outer.read("manifest.json"))
for component in manifest["components"]:
    info = outer.getinfo(component["entry"])
    assert info.compress_type == zipfile.ZIP_STORED, component["entry"]
    inner = zipfile.ZipFile(io.BytesIO(outer.read(component["entry"])))
    assert inner.testzip() is None
    print(component["name"], len(inner.namelist()), (inner.namelist() or ["-"])[-1])
"#;
    let python = run("python3", &["-c", script, file], fx.dest.path());
    let output = text(&python);
    assert!(python.status.success(), "{output}");
    assert!(output.contains("Users 1 registry.reg"), "{output}");
    assert!(
        output.contains("Prompts 6 Resources/Prompts/en-US/prompt4.wav"),
        "{output}"
    );
    assert!(output.contains("Lines 0 -"), "{output}");
}

#[test]
fn renamed_to_zip_it_is_an_ordinary_zip() {
    let fx = Fixture::new();
    let path = fx.write(None);
    let renamed = fx.dest.path().join("browse.zip");
    std::fs::rename(&path, &renamed).unwrap();
    let listing = run("unzip", &["-l", "browse.zip"], fx.dest.path());
    assert!(listing.status.success(), "{}", text(&listing));
    assert!(text(&listing).contains("components/002.zip"));
    let out = tempfile::tempdir().unwrap();
    let extracted = run("7zz", &["x", "-y", renamed.to_str().unwrap()], out.path());
    assert!(extracted.status.success(), "{}", text(&extracted));
    let manifest = std::fs::read_to_string(out.path().join("manifest.json")).unwrap();
    assert!(manifest.contains("\"server\": \"CIC01\""), "{manifest}");
}
