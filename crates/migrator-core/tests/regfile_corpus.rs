//! Every `.reg` file of the shared test corpus, each with an expectation written for it.
//!
//! The corpus is `<repo>/../shared/corpus/reg` (found by looking upwards from this crate), or
//! the folder named by `MIGRATOR_CORPUS`. A file either parses, and its keys, values and
//! deletions are checked against what the file says, or is refused at a given place for a
//! documented reason. Where regedit would skip a line without a word, the strict reader refuses
//! the file there and the lenient reader gives what regedit imports; both are checked.
//! The corpus's `SOURCES.md` says where each file comes from and what it exercises.

use std::path::{Path, PathBuf};

use migrator_core::registry::regfile::{
    parse, Entry, Format, ReadOptions, RegFile, RegFileError, TextEncoding, ValueOp,
};
use migrator_core::registry::{Key, RegTree, Value, ValueType};

fn corpus_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MIGRATOR_CORPUS") {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "the .reg corpus is missing: MIGRATOR_CORPUS names {}, which is not a folder",
            dir.display()
        );
        return dir;
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .map(|dir| dir.join("shared/corpus/reg"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| {
            panic!(
                "the .reg corpus is missing: expected shared/corpus/reg beside the repository \
                 (looked upwards from {}); set MIGRATOR_CORPUS to its folder",
                manifest.display()
            )
        })
}

fn bytes_of(name: &str) -> Vec<u8> {
    let path = corpus_dir().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn read_with(name: &str, options: ReadOptions) -> Result<Read, RegFileError> {
    let file = parse(&bytes_of(name), &options)?;
    let tree = file.to_tree();
    Ok(Read { file, tree })
}

/// A file as read: its entries and the tree they make.
struct Read {
    file: RegFile,
    tree: RegTree,
}

impl Read {
    /// (key sections, key deletions, value settings, value deletions) in file order.
    fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for entry in &self.file.entries {
            match entry {
                Entry::Key { values, .. } => {
                    counts.0 += 1;
                    for op in values {
                        match op {
                            ValueOp::Set(_) => counts.2 += 1,
                            ValueOp::Delete(_) => counts.3 += 1,
                        }
                    }
                }
                Entry::DeleteKey { .. } => counts.1 += 1,
            }
        }
        counts
    }

    fn deleted_keys(&self) -> Vec<&str> {
        let deleted = self.file.entries.iter().filter_map(|entry| match entry {
            Entry::DeleteKey { path } => Some(path.as_str()),
            Entry::Key { .. } => None,
        });
        deleted.collect()
    }

    fn deleted_values(&self) -> Vec<(&str, &str)> {
        let mut deleted = Vec::new();
        for entry in &self.file.entries {
            if let Entry::Key { path, values } = entry {
                for op in values {
                    if let ValueOp::Delete(name) = op {
                        deleted.push((path.as_str(), name.as_str()));
                    }
                }
            }
        }
        deleted
    }

    fn key(&self, path: &str) -> &Key {
        self.tree
            .find(path)
            .unwrap_or_else(|| panic!("no key {path}"))
    }

    fn value(&self, path: &str, name: &str) -> &Value {
        self.key(path)
            .value(name)
            .unwrap_or_else(|| panic!("no value {name:?} in {path}"))
    }

    fn typed(&self, path: &str, name: &str, kind: ValueType) -> &Value {
        let value = self.value(path, name);
        assert_eq!(value.kind(), kind, "type of {name:?} in {path}");
        value
    }

    fn sz(&self, path: &str, name: &str) -> String {
        let value = self.typed(path, name, ValueType::Sz);
        value
            .as_text()
            .unwrap_or_else(|| panic!("{name:?} is not text"))
    }

    fn dword(&self, path: &str, name: &str) -> u32 {
        let value = self.typed(path, name, ValueType::Dword);
        let data: [u8; 4] = value.data().try_into().expect("four bytes");
        u32::from_le_bytes(data)
    }

    fn binary(&self, path: &str, name: &str) -> &[u8] {
        self.typed(path, name, ValueType::Binary).data()
    }

    fn strings(&self, path: &str, name: &str, kind: ValueType) -> Vec<String> {
        self.typed(path, name, kind)
            .as_strings()
            .expect("UTF-16 text")
    }
}

/// What a corpus file should give.
enum Expect {
    /// Parses with this code page; `check` asserts what the file says.
    Parses { code_page: u16, check: fn(&Read) },
    /// Refused by the strict reader at (line, column) with a message holding `says`; the
    /// lenient reader, like regedit, skips the lines at `skipped` and gives what `check`
    /// asserts.
    SkipsLines {
        at: (usize, usize),
        says: &'static str,
        skipped: &'static [usize],
        check: fn(&Read),
    },
    /// Refused by both readers at line 1 with a message holding `says`.
    Refused { says: &'static str },
}

fn strict(code_page: u16) -> ReadOptions {
    ReadOptions::new("corpus").with_code_page(code_page)
}

fn expectation(name: &str) -> Option<Expect> {
    let (code_page, check): (u16, fn(&Read)) = match name {
        "01-regashii-complex-regedit5.reg" => (1252, complex_regedit5),
        "02-regashii-complex-regedit4.reg" => (1252, complex_regedit4),
        // Regedit compares the whole header line, so it may refuse this file for the comment
        // after the header; a comment cannot hide data, so the reader passes over it. Regedit
        // then ignores the text after the key's last `]` and skips the dword line that ends in
        // `\` (a continuation only exists in hex data). The strict reader refuses the first.
        "03-regashii-irregular-regedit5.reg" => {
            return Some(Expect::SkipsLines {
                at: (3, 54),
                says: "after the key's closing `]`",
                skipped: &[3, 11],
                check: irregular,
            })
        }
        "04-regashii-japanese-regedit5.reg" => (1252, japanese),
        "05-regashii-multi-sz-separation-regedit5.reg" => (1252, multi_sz_separation),
        // A value under a deleted key goes nowhere in regedit.
        "06-regashii-repetition-regedit5.reg" => {
            return Some(Expect::SkipsLines {
                at: (7, 1),
                says: "after a `[-KEY]` deletion",
                skipped: &[7],
                check: repetition,
            })
        }
        "07-regashii-simple-regedit4.reg" => (1252, simple_regedit4),
        // Wine's own registry store, not a file regedit imports.
        "08-regashii-wine-v2.reg" => {
            return Some(Expect::Refused {
                says: "a Wine registry file",
            })
        }
        "09-regashii-sample.reg" => (1252, sample),
        "10-Atlas-add.reg" => (1252, atlas_add),
        "11-Atlas-enable.reg" => (1252, atlas_enable),
        "12-Atlas-DEFAULT.reg" => (1252, atlas_default),
        "13-Atlas-ContextMenuTerminals_2.reg" => (1252, terminals_2),
        "14-Atlas-ContextMenuTerminals_0.reg" => (1252, terminals_0),
        "15-Atlas-Disable_Automatic_Driver_Installation.reg" => (1252, driver_installation),
        "16-ScoopMain-install-associations.reg" => (1252, scoop_associations),
        "17-ScoopMain-install-pep-514.reg" => (1252, scoop_pep_514),
        "18-ScoopMain-uninstall-context.reg" => (1252, scoop_uninstall),
        "19-vim-GvimExt.reg" => (1252, gvim_ext),
        "20-Win11Debloat-Disable_Animations.reg" => (1252, disable_animations),
        "21-Win11Debloat-Disable_Telemetry.reg" => (1252, disable_telemetry),
        "22-Win11Debloat-Hide_Home_from_Explorer.reg" => (1252, hide_home),
        "23-Win11Debloat-Enable_Device_Auto_App_Download.reg" => (1252, auto_app_download),
        "24-Win11Debloat-Hide_3D_Objects_Folder.reg" => (1252, hide_3d_objects),
        "28-Plangothic_Project-Plangothic-Uninstall.reg" => (1252, plangothic_uninstall),
        "29-Plangothic_Project-Plangothic-Install.reg" => (1252, plangothic_install),
        // Nine hex digits do not fit a dword: regedit skips the value.
        "30-Debloat-Windows-10-lower-ram-usage.reg" => {
            return Some(Expect::SkipsLines {
                at: (9, 32),
                says: "expected 1 to 8 hex digits after `dword:`, found 9",
                skipped: &[9],
                check: lower_ram_usage,
            })
        }
        // Regedit reads the header from the first line only; here it is on the second.
        "32-Registry.system.language-registry.reg" => {
            return Some(Expect::Refused {
                says: "an empty first line",
            })
        }
        // The Windows 3.1 format. Regedit compares the whole first line, so with its trailing
        // blank this `REGEDIT ` header is one it accepts without importing anything.
        "35-Windows-classic-samples-sserver.reg" => {
            return Some(Expect::Refused {
                says: "the Windows 3.1 `REGEDIT` format",
            })
        }
        "36-Windows-classic-samples-AppMem.Reg" => (1252, app_mem),
        "37-Windows-classic-samples-Install.reg" => (1252, fd_provider_install),
        "38-Windows-classic-samples-HelloWorld.reg" => (1252, hello_world),
        "39-Windows-classic-samples-registerprovider.reg" => (1252, register_provider),
        "40-Windows-classic-samples-L2SecExt.reg" => (1252, l2_sec_ext),
        "41-TourOperator-settings.reg" => (1252, tour_operator),
        "42-FarManager-TechInfo_rus.reg" => (866, far_tech_info),
        "43-FarManager-Progress_Wesha.reg" => (866, far_progress),
        "44-FarManager-Qwerty.reg" => (1251, far_qwerty),
        "45-FarManager-Czech_-_CP-895_Kamenicti.reg" => (852, far_czech_table),
        "46-FarManager-FARColors242.reg" => (1252, far_colors),
        "47-FarManager-Executor.4NT.reg" => (1252, far_executor),
        _ => return None,
    };
    Some(Expect::Parses { code_page, check })
}

#[test]
fn every_corpus_file_meets_its_expectation() {
    let dir = corpus_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("listing {}: {e}", dir.display()))
        .map(|entry| entry.expect("a folder entry").file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(
        names.len() >= 40,
        "only {} files in {}",
        names.len(),
        dir.display()
    );
    let missing: Vec<&String> = names.iter().filter(|n| expectation(n).is_none()).collect();
    assert!(
        missing.is_empty(),
        "corpus files with no expectation: {missing:?}"
    );
    for name in &names {
        check_file(name, expectation(name).expect("checked above"));
    }
}

fn check_file(name: &str, expect: Expect) {
    match expect {
        Expect::Parses { code_page, check } => {
            let read = read_with(name, strict(code_page))
                .unwrap_or_else(|e| panic!("{name} should parse: {e}"));
            assert!(read.file.ignored.is_empty());
            check(&read);
        }
        Expect::SkipsLines {
            at,
            says,
            skipped,
            check,
        } => {
            let error = read_with(name, strict(1252)).err().expect("strict refusal");
            assert_eq!((error.line, error.column), at, "{name}: {error}");
            assert!(error.expected.contains(says), "{name}: {error}");
            let read = read_with(name, strict(1252).with_lenient(true))
                .unwrap_or_else(|e| panic!("{name} should parse leniently: {e}"));
            let lines: Vec<usize> = read.file.ignored.iter().map(|e| e.line).collect();
            assert_eq!(lines, skipped, "{name}: lines left out");
            check(&read);
        }
        Expect::Refused { says } => {
            for lenient in [false, true] {
                let options = strict(1252).with_lenient(lenient);
                let error = read_with(name, options).err().expect("refusal");
                assert_eq!((error.line, error.column), (1, 1), "{name}: {error}");
                assert!(error.expected.contains(says), "{name}: {error}");
            }
        }
    }
}

/// The text of a UTF-16LE string value as the registry stores it, NUL included.
fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

const COMPLEX: &str = r"HKEY_CURRENT_USER\Software\regashii\complex";

fn complex_regedit5(read: &Read) {
    assert_eq!(read.file.format, Format::Version5);
    assert_eq!(read.file.encoding, TextEncoding::Utf16Le);
    assert_eq!(read.counts(), (1, 0, 13, 0));
    assert_eq!(read.binary(COMPLEX, "binary-a"), b"a");
    assert_eq!(read.binary(COMPLEX, "binary-a-b"), b"ab");
    assert_eq!(read.dword(COMPLEX, "dword-0"), 0);
    assert_eq!(read.dword(COMPLEX, "dword-255"), 255);
    let empty = read.typed(COMPLEX, "expand-sz", ValueType::ExpandSz);
    assert_eq!(empty.data(), [0, 0]);
    let expand = read.typed(COMPLEX, "expand-sz-a", ValueType::ExpandSz);
    assert_eq!(expand.as_text().as_deref(), Some("a"));
    assert!(read
        .strings(COMPLEX, "multi-sz", ValueType::MultiSz)
        .is_empty());
    assert_eq!(
        read.strings(COMPLEX, "multi-sz-a-b", ValueType::MultiSz),
        ["a", "b"]
    );
    let qword = read.typed(COMPLEX, "qword-255", ValueType::Qword);
    assert_eq!(qword.as_text().as_deref(), Some("255"));
    assert_eq!(read.sz(COMPLEX, "sz-a"), "a");
    assert_eq!(read.sz(COMPLEX, r#"sz-sp\ec"ial"#), r#"sp\ec"ial"#);
}

/// The same data as the version 5 file, in 8-bit form: once imported, the trees are equal,
/// because regedit stores the 8-bit `hex(2)`/`hex(7)` text as UTF-16.
fn complex_regedit4(read: &Read) {
    assert_eq!(read.file.format, Format::Regedit4);
    assert_eq!(read.file.encoding, TextEncoding::CodePage(1252));
    let version5 = read_with("01-regashii-complex-regedit5.reg", strict(1252)).unwrap();
    assert_eq!(read.tree, version5.tree);
    let multi = read.typed(COMPLEX, "multi-sz-a-b", ValueType::MultiSz);
    assert_eq!(multi.data(), [0x61, 0, 0, 0, 0x62, 0, 0, 0, 0, 0]);
}

fn irregular(read: &Read) {
    // `\\` in a key path is an empty path element, which the registry does not have.
    let key = r#"HKEY_CURRENT_USER\Software\regashii\irre]";gular"#;
    assert_eq!(read.counts(), (1, 0, 6, 0));
    assert_eq!(read.sz(key, ""), "");
    assert_eq!(read.typed(key, "dword", ValueType::Dword).data(), [0]);
    let line_break = read.typed(key, "sz-line-break", ValueType::Sz);
    assert_eq!(line_break.data(), utf16("a\nb"));
    assert_eq!(read.binary(key, "hex-continuations"), [0, 1, 2]);
    assert_eq!(read.sz(key, "semi;colons"), r#"and"quotes;"#);
    let long_name = format!("hex-continuations-with-long-name {} end", ".".repeat(44));
    let expected: Vec<u8> = (0..=0x1f).collect();
    assert_eq!(read.binary(key, &long_name), expected);
    assert!(read.key(key).value("invalid-backslash").is_none());
}

fn japanese(read: &Read) {
    let key = r"HKEY_CURRENT_USER\Software\regashii\日本語";
    assert_eq!(read.counts(), (1, 0, 4, 0));
    assert_eq!(read.sz(key, "sz-あ"), "あ");
    let expand = read.typed(key, "expand-sz", ValueType::ExpandSz);
    assert_eq!(expand.as_text().as_deref(), Some("あ"));
    assert_eq!(read.strings(key, "multi-sz-1", ValueType::MultiSz), ["あ"]);
    assert_eq!(
        read.strings(key, "multi-sz-2", ValueType::MultiSz),
        ["あ", "い"]
    );
}

fn multi_sz_separation(read: &Read) {
    let key = r"HKEY_CURRENT_USER\Software\regashii\multi-sz-separation";
    let data = |name| read.typed(key, name, ValueType::MultiSz).data().to_vec();
    assert_eq!(data("a"), [0x61, 0, 0, 0]);
    assert_eq!(data("a-_"), [0x61, 0, 0, 0, 0, 0]);
    assert_eq!(data("a-b-_"), [0x61, 0, 0, 0, 0x62, 0, 0, 0, 0, 0]);
    assert_eq!(
        read.strings(key, "a-_-b", ValueType::MultiSz),
        ["a", "", "b"]
    );
    assert_eq!(read.strings(key, "a-b", ValueType::MultiSz), ["a", "b"]);
}

fn repetition(read: &Read) {
    let base = r"HKEY_CURRENT_USER\Software\regashii";
    assert_eq!(read.deleted_keys(), [format!(r"{base}\repeated-key")]);
    // The key deleted and made again keeps the spelling it was made again with.
    let key = read.key(&format!(r"{base}\REPEATED-KEY"));
    assert_eq!(key.name(), "repeated-kEy");
    let names: Vec<&str> = key.values().map(Value::name).collect();
    assert_eq!(names, ["bar", "baz"]);
    assert!(key.value("skipped").is_none());
    // Deleted, set again as `fOo`, then replaced in place under that spelling.
    let values = read.key(&format!(r"{base}\repeated-value"));
    assert_eq!(values.value_count(), 1);
    assert_eq!(values.values().next().unwrap().name(), "fOo");
    assert_eq!(read.sz(&format!(r"{base}\repeated-value"), "foo"), "3");
}

fn simple_regedit4(read: &Read) {
    let key = r"HKEY_CURRENT_USER\Software\regashii\simple";
    assert_eq!(read.counts(), (1, 1, 4, 1));
    assert_eq!(read.sz(key, ""), "default");
    assert_eq!(read.sz(key, "sz-a"), "a");
    assert_eq!(read.dword(key, "dword-1"), 1);
    assert_eq!(read.binary(key, "binary-a"), b"a");
    assert_eq!(read.deleted_values(), [(key, "remove")]);
    assert_eq!(
        read.deleted_keys(),
        [r"HKEY_CURRENT_USER\Software\regashii\remove"]
    );
}

fn sample(read: &Read) {
    assert_eq!(read.file.encoding, TextEncoding::Utf16Le);
    let key = r"HKEY_CURRENT_USER\Software\Foo";
    assert_eq!(read.sz(key, ""), "some string");
    assert_eq!(read.dword(key, "this is a dword"), 0xff);
}

fn atlas_add(read: &Read) {
    assert_eq!(read.counts(), (6, 2, 20, 3));
    assert_eq!(
        read.deleted_keys(),
        [
            r"HKEY_CLASSES_ROOT\*\shell\TakeOwnership",
            r"HKEY_CLASSES_ROOT\*\shell\runas"
        ]
    );
    let owner = r"HKEY_CLASSES_ROOT\*\shell\TakeOwnership";
    assert_eq!(read.sz(owner, ""), "Take Ownership");
    assert_eq!(read.sz(owner, "HasLUAShield"), "");
    let command = format!(r"{owner}\command");
    // `"IsolatedCommand"= "..."`: a blank after `=` changes nothing.
    assert_eq!(read.sz(&command, "IsolatedCommand"), read.sz(&command, ""));
    assert!(read
        .sz(&command, "")
        .ends_with(r#"/t /c /l & pause' -Verb runAs""#));
    let drive = r"HKEY_CLASSES_ROOT\Drive\shell\runas";
    assert_eq!(
        read.sz(drive, "AppliesTo"),
        r#"NOT (System.ItemPathDisplay:="C:\")"#
    );
    assert_eq!(
        read.sz(&format!(r"{drive}\command"), ""),
        r#"cmd.exe /c takeown /f "%1\" /r /d y && icacls "%1\" /grant *S-1-3-4:F /t /c & Pause"#
    );
}

fn atlas_enable(read: &Read) {
    let run = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Run";
    let value = read.typed(run, "SecurityHealth", ValueType::ExpandSz);
    assert_eq!(
        value.data(),
        utf16(r"%windir%\system32\SecurityHealthSystray.exe")
    );
}

fn atlas_default(read: &Read) {
    assert_eq!(read.counts(), (54, 0, 106, 0));
    let animation = r"HKEY_LOCAL_MACHINE\SOFTWARE\AtlasOS\Services\Animation";
    assert_eq!(read.dword(animation, "state"), 0);
    assert_eq!(
        read.sz(animation, "path"),
        concat!(
            r"C:\Windows\AtlasDesktop\4. Interface Tweaks\Visual Effects",
            r" (Animations)\Atlas Visual Effects (default).cmd",
        )
    );
    let services = read.key(r"HKEY_LOCAL_MACHINE\SOFTWARE\AtlasOS\Services");
    assert_eq!(services.subkey_count(), 53);
}

fn terminals_2(read: &Read) {
    assert_eq!(read.file.encoding, TextEncoding::Utf8 { bom: false });
    assert_eq!(read.counts(), (66, 0, 187, 1));
    let blocked =
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Shell Extensions\Blocked";
    assert_eq!(
        read.deleted_values(),
        [(blocked, "{9F156763-7844-4DC4-B2B1-901F640F5155}")]
    );
    let terminals = r"HKEY_CLASSES_ROOT\Directory\shell\AtlasTerminals";
    assert_eq!(read.sz(terminals, "Icon"), r"%windir%\system32\cmd.exe,0");
    let command = format!(r"{terminals}\shell\cmd2\command");
    assert_eq!(read.sz(&command, ""), r#"cmd.exe /s /k pushd "%V""#);
    assert_eq!(
        read.dword(&format!(r"{terminals}\shell\Item10"), "CommandFlags"),
        8
    );
}

fn terminals_0(read: &Read) {
    assert_eq!(read.counts(), (1, 5, 0, 1));
    assert_eq!(read.deleted_keys()[0], r"HKEY_CLASSES_ROOT\TermsRunAsTI");
    // The last line has no line break after it.
    assert_eq!(
        read.deleted_keys()[4],
        r"HKEY_CLASSES_ROOT\Directory\Background\shell\AtlasTerminals"
    );
    assert_eq!(read.tree.root().total_value_count(), 0);
}

fn driver_installation(read: &Read) {
    assert_eq!(read.file.encoding, TextEncoding::Utf8 { bom: true });
    assert_eq!(read.counts(), (7, 0, 8, 0));
    let search = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\DriverSearching";
    assert_eq!(read.dword(search, "SearchOrderConfig"), 0);
    assert_eq!(read.dword(search, "DontSearchWindowsUpdate"), 1);
}

fn scoop_associations(read: &Read) {
    assert_eq!(read.counts(), (8, 0, 14, 0));
    let open_with = r"HKEY_CURRENT_USER\Software\Classes\.sh\OpenWithProgIDs";
    assert!(read
        .typed(open_with, "sh_auto_file", ValueType::None)
        .data()
        .is_empty());
    let command = r"HKEY_CURRENT_USER\Software\Classes\sh_auto_file\shell\open\command";
    assert_eq!(
        read.sz(command, ""),
        r#""{{git_dir}}\git-bash.exe" --no-cd "%L" %*"#
    );
    assert_eq!(
        read.sz(
            r"HKEY_CURRENT_USER\Software\Classes\.gitignore",
            "PerceivedType"
        ),
        "text"
    );
}

fn scoop_pep_514(read: &Read) {
    let core = r"HKEY_CURRENT_USER\Software\Python\PythonCore\$py_version";
    assert_eq!(
        read.sz(&format!(r"{core}\PythonPath"), ""),
        r"$py_root\Lib\;$py_root\DLLs\"
    );
    let install = format!(r"{core}\InstallPath");
    assert_eq!(read.sz(&install, "ExecutablePath"), r"$py_root\python.exe");
}

fn scoop_uninstall(read: &Read) {
    assert_eq!(read.counts(), (0, 7, 0, 0));
    assert_eq!(read.deleted_keys()[0], r"HKEY_CURRENT_USER\Software\7-Zip");
    assert!(read.tree.is_empty());
}

fn gvim_ext(read: &Read) {
    assert_eq!(read.file.format, Format::Regedit4);
    assert_eq!(read.counts(), (6, 0, 8, 0));
    let clsid = r"HKEY_CLASSES_ROOT\CLSID\{51EEE242-AD87-11d3-9C1E-0090278BBD99}";
    assert_eq!(read.sz(clsid, ""), "Vim Shell Extension");
    assert_eq!(
        read.sz(&format!(r"{clsid}\InProcServer32"), "ThreadingModel"),
        "Apartment"
    );
    let uninstall =
        r"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Uninstall\Vim 9.2";
    assert_eq!(read.sz(uninstall, "UninstallString"), "uninstall.exe");
}

fn disable_animations(read: &Read) {
    let desktop = r"HKEY_USERS\default\Control Panel\Desktop";
    let mask = read.binary(desktop, "UserPreferencesMask");
    assert_eq!(mask, [0x90, 0x12, 0x07, 0x80, 0x10, 0x00, 0x00, 0x00]);
    // The root is written in lower case; names compare without regard to case.
    assert_eq!(
        read.tree.root().subkeys().next().unwrap().name(),
        "hkey_users"
    );
    let run_once = r"hkey_users\default\SOFTWARE\Microsoft\Windows\CurrentVersion\RunOnce";
    assert_eq!(
        read.sz(run_once, "DisableAnimations"),
        concat!(
            r#"reg add "HKCU\Control Panel\Desktop" /v"#,
            r#" UserPreferencesMask /t REG_BINARY /d 9012078010000000 /f"#,
        )
    );
}

fn disable_telemetry(read: &Read) {
    assert_eq!(read.counts(), (12, 0, 14, 1));
    let advertising =
        r"HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\AdvertisingInfo";
    assert_eq!(read.dword(advertising, "Enabled"), 0);
    let input = r"HKEY_CURRENT_USER\Software\Microsoft\InputPersonalization";
    assert_eq!(read.dword(input, "RestrictImplicitTextCollection"), 1);
}

fn hide_home(read: &Read) {
    let clsid = r"HKEY_CURRENT_USER\Software\Classes\CLSID\{f874310e-b6b7-47dc-bc84-b9e6b38f5903}";
    assert_eq!(read.sz(clsid, ""), "CLSID_MSGraphHomeFolder");
    let show_home = concat!(
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows",
        r"\CurrentVersion\Explorer\Advanced\NavPane\ShowHome",
    );
    assert_eq!(read.dword(show_home, "HKeyRoot"), 0x8000_0001);
    assert_eq!(read.dword(show_home, "Id"), 0x0d);
    assert_eq!(
        read.sz(show_home, "RegPath"),
        r"Software\Classes\CLSID\{f874310e-b6b7-47dc-bc84-b9e6b38f5903}"
    );
}

fn auto_app_download(read: &Read) {
    let metadata = r"HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\Device Metadata";
    assert_eq!(read.counts(), (1, 0, 0, 1));
    assert_eq!(
        read.deleted_values(),
        [(metadata, "PreventDeviceMetadataFromNetwork")]
    );
}

fn hide_3d_objects(read: &Read) {
    assert_eq!(read.counts(), (0, 2, 0, 0));
    assert!(read.deleted_keys()[1].contains(r"\Wow6432Node\"));
}

/// Saved with a second byte order mark in front of the header: an encoding artefact without
/// meaning, passed over (whether regedit accepts it is not known).
fn plangothic_uninstall(read: &Read) {
    assert_eq!(read.counts(), (4, 4, 4, 6));
    let fallback = concat!(
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT",
        r"\CurrentVersion\LanguagePack\SurrogateFallback",
    );
    assert_eq!(read.sz(fallback, "Plane2"), "SimSun-ExtB");
    assert_eq!(read.sz(fallback, "Plane3"), "SimSun-ExtG");
    assert!(read.key(fallback).value("Plane1").is_none());
}

fn plangothic_install(read: &Read) {
    assert_eq!(read.counts(), (16, 0, 54, 0));
    let link =
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\FontLink\SystemLink";
    let fonts = read.strings(link, "Plangothic P1", ValueType::MultiSz);
    assert_eq!(fonts[0], "PlangothicP1-Regular.ttf,Plangothic P1");
    assert_eq!(fonts[1], "PlangothicP1-Regular.otf,Plangothic P1");
}

fn lower_ram_usage(read: &Read) {
    let control = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control";
    assert_eq!(
        read.dword(control, "SvcHostSplitThresholdInKB"),
        0x0400_0000
    );
    assert_eq!(read.sz(control, "WaitToKillServiceTimeout"), "2000");
    let profile =
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Multimedia\SystemProfile";
    assert!(read.key(profile).value("NetworkThrottlingIndex").is_none());
    assert_eq!(read.dword(profile, "SystemResponsiveness"), 0);
    let game = r"HKEY_CURRENT_USER\System\GameConfigStore";
    let profile = read.binary(game, "Win32_AutoGameModeDefaultProfile");
    assert_eq!((profile.len(), &profile[..4]), (40, &[1, 0, 1, 0][..]));
}

/// Ends with the DOS end-of-file mark (Ctrl-Z), which old editors wrote.
fn app_mem(read: &Read) {
    assert_eq!(read.counts(), (2, 0, 6, 0));
    let performance = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\AppMem\Performance";
    assert_eq!(read.sz(performance, "Library"), "appmem.dll");
    let log = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\EventLog\Application\AppMem";
    assert_eq!(
        read.sz(log, "EventMessageFile"),
        r"%systemroot%\system32\appmem.dll"
    );
    assert_eq!(read.dword(log, "TypesSupported"), 7);
}

fn fd_provider_install(read: &Read) {
    let app_id = r"HKEY_CLASSES_ROOT\AppID\{71F70024-0C44-4a05-A918-651F41EF8548}";
    assert_eq!(read.sz(app_id, "RunAs"), r"nt authority\localservice");
    let access = read.binary(app_id, "AccessPermission");
    assert_eq!(access.len(), 164);
    assert_eq!(
        (&access[..5], &access[160..]),
        (&[1, 0, 4, 0x80, 0x84][..], &[0x20, 2, 0, 0][..])
    );
    let layered = concat!(
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Function Discovery\Categories",
        r"\Layered\Microsoft.Networking.Devices\SampleFDProvider",
    );
    assert!(read
        .sz(layered, "00000000")
        .contains(r"identity='Provider\Sample.FDProvider'"));
}

fn hello_world(read: &Read) {
    let gadget = concat!(
        r"HKEY_CURRENT_USER\Software\Microsoft\SideShow\Gadgets",
        r"\{625B4120-AD9D-4109-B4FB-D3CC0863BAA3}",
    );
    assert_eq!(read.dword(gadget, "OnlineOnly"), 1);
    let endpoints = read.strings(gadget, "Endpoints", ValueType::MultiSz);
    assert_eq!(endpoints, ["{A9A5353F-2D4B-47ce-93EE-759F3A7DDA4F}"]);
    let icon = read.typed(gadget, "Icon", ValueType::ExpandSz);
    assert_eq!(
        icon.as_text().unwrap(),
        concat!(
            r"%ProgramFiles%\Microsoft SDKs\Windows\v7.0\Samples",
            r"\WinUI\SideShow\HelloWorld\HelloWorld.ico",
        )
    );
}

fn register_provider(read: &Read) {
    assert_eq!(read.counts(), (8, 0, 10, 0));
    let clsid = r"HKEY_CLASSES_ROOT\CLSID\<INSERT:  GUID for OLE DB Provider>";
    // The commented-out `; "OLEDB_SERVICES"=dword:FFFFFFFF` line sets nothing.
    assert_eq!(read.dword(clsid, "OLEDB_SERVICES"), 0);
    assert_eq!(
        read.sz(&format!(r"{clsid}\InprocServer32"), ""),
        concat!(
            r"<INSERT:  Path to OLE DB Directory example --> c:\Program",
            r" Files\Common Files\System\OLE DB\>MSDAOSP.DLL",
        )
    );
}

fn l2_sec_ext(read: &Read) {
    let app_id = r"HKEY_CLASSES_ROOT\AppID\{00102030-4050-6070-8090-A0B0C0D0E0F0}";
    assert_eq!(read.sz(app_id, ""), "WirelessHelperClassExtension");
    let launch = read.binary(app_id, "LaunchPermission");
    assert_eq!(
        (launch.len(), &launch[..5]),
        (144, &[1, 0, 4, 0x80, 0x70][..])
    );
    let helper = concat!(
        r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\NetDiagFx",
        r"\MyCompany\HostDLLs\L2SecExt\HelperClasses\L2SecExt",
    );
    assert_eq!(read.dword(helper, "Published"), 1);
    assert_eq!(read.sz(helper, "Version"), "1.0");
}

fn tour_operator(read: &Read) {
    let operator = r"HKEY_LOCAL_MACHINE\SOFTWARE\Operator";
    assert_eq!(read.counts(), (1, 0, 10, 0));
    assert_eq!(read.sz(operator, "sharedf"), r"D:\COPIED\Oper_exe\");
    assert_eq!(read.dword(operator, "indent"), 1);
    assert_eq!(read.sz(operator, "server"), "(LOCAL)");
}

fn far_tech_info(read: &Read) {
    assert_eq!(read.file.encoding, TextEncoding::CodePage(866));
    assert_eq!(read.counts(), (1, 0, 46, 0));
    let ftp = r"HKEY_CURRENT_USER\Software\Far Manager\Plugins\FTP";
    assert_eq!(read.sz(ftp, "xcmdPUT"), "STOR");
    assert!(read.sz(ftp, "Jan").starts_with("Jan;Янв;Янв;"));
}

fn far_progress(read: &Read) {
    assert_eq!(read.counts(), (2, 2, 20, 0));
    let english = r"HKEY_CURRENT_USER\Software\Far Manager\Plugins\FTP\CopyDialog\English";
    assert_eq!(read.deleted_keys()[0], english);
    assert_eq!(read.dword(english, "Count"), 9);
    assert_eq!(read.sz(english, "Line02"), r"%\1%");
    assert!(read
        .sz(english, "Line06")
        .starts_with("───Total (%Cn%/%CnF%)───"));
    // In the default code page the same bytes are other letters.
    let ansi = read_with("43-FarManager-Progress_Wesha.reg", strict(1252)).unwrap();
    assert!(ansi.sz(english, "Line06").starts_with("ÄÄÄTotal"));
}

fn far_qwerty(read: &Read) {
    let xlat = r"HKEY_CURRENT_USER\Software\Far\XLat";
    assert_eq!(read.dword(xlat, "Flags"), 1);
    let table = read.binary(xlat, "Table1");
    assert_eq!((&table[..3], table.len()), (&[0xFC, 0x80, 0x82][..], 80));
    assert_eq!(read.binary(xlat, "Rules1").len(), 22);
}

fn far_czech_table(read: &Read) {
    let tables = r"HKEY_CURRENT_USER\Software\Far\CodeTables";
    assert_eq!(
        read.deleted_keys(),
        [format!(r"{tables}\Kamenicti (CP-895_867)")]
    );
    let table = format!(r"{tables}\CP-895");
    assert_eq!(
        read.sz(&table, "TableName"),
        "Central European - Czech - CP-895 (Kamenicti)"
    );
    let mapping = read.binary(&table, "Mapping");
    let identity: Vec<u8> = (0..0x80).collect();
    assert_eq!((mapping.len(), &mapping[..0x80]), (256, &identity[..]));
    assert_eq!(&mapping[0x80..0x83], [0xAC, 0x81, 0x82]);
}

fn far_colors(read: &Read) {
    assert_eq!(read.counts(), (312, 0, 2481, 0));
    let colors = r"HKEY_CURRENT_USER\Software\Far\Colors";
    let palette = read.binary(colors, "CurrentPalette");
    assert_eq!(
        (palette.len(), &palette[..3]),
        (90, &[0x70, 0x87, 0x7f][..])
    );
    assert_eq!(read.sz(&format!(r"{colors}\Highlight\Group0"), "Mask"), "*");
}

fn far_executor(read: &Read) {
    let executor = r"HKEY_CURRENT_USER\Software\Far\System\Executor";
    let commands = read.sz(executor, "ExcludeCmds");
    assert_eq!(commands.len(), 496);
    assert!(commands.starts_with("?;ACTIVATE;ALIAS;") && commands.ends_with(";WINDOW;Y"));
}
