//! Writing and reading `.reg` files loses nothing.
//!
//! Files regedit itself exported come back byte for byte after a parse and a write, and any
//! tree (odd names, every value type, data that no quoted string could carry) is the same tree
//! after a write and a read.
//!
//! Which corpus files are plain regedit exports: 01, 04, 05, 11 and 41 are UTF-16LE with CRLF,
//! no comment, and one exported key with its whole subtree in regedit's order. The other
//! UTF-16LE files are hand-made or edited: 12 leaves out keys between the ones it lists, 29
//! joins four exports and renamed values, 21 and 22 hold comments, 09, 20 and 23 use LF, 10 has
//! a blank after `=`, 24 and 28 delete keys.

use std::path::{Path, PathBuf};

use migrator_core::registry::regfile::{parse, write_export, ReadOptions};
use migrator_core::registry::{encode_sz, RegTree, Value, ValueType};
use proptest::prelude::*;

fn corpus_file(name: &str) -> Vec<u8> {
    let dir = match std::env::var_os("MIGRATOR_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .ancestors()
            .map(|dir| dir.join("shared/corpus/reg"))
            .find(|dir| dir.is_dir())
            .expect(
                "the .reg corpus (shared/corpus/reg beside the repository, or MIGRATOR_CORPUS)",
            ),
    };
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

fn tree_of(bytes: &[u8]) -> RegTree {
    let options = ReadOptions::new("test");
    parse(bytes, &options)
        .unwrap_or_else(|e| panic!("{e}"))
        .to_tree()
}

fn export(tree: &RegTree) -> Vec<u8> {
    let mut out = Vec::new();
    write_export(tree, &mut out).expect("writing to memory");
    out
}

/// UTF-16LE text as regedit writes it, without a byte order mark.
fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[test]
fn regedit_exports_come_back_byte_for_byte() {
    for name in [
        "01-regashii-complex-regedit5.reg",
        "04-regashii-japanese-regedit5.reg",
        "05-regashii-multi-sz-separation-regedit5.reg",
        "11-Atlas-enable.reg",
        "41-TourOperator-settings.reg",
    ] {
        let original = corpus_file(name);
        let written = export(&tree_of(&original));
        assert!(
            written == original,
            "{name} differs after a parse and a write"
        );
    }
}

/// Hex values as regedit lays them out: the same value written again gives the same lines.
/// File 29 joins four exports whose value names were edited afterwards (its first hex lines all
/// hold 19 bytes whatever the name's length), so only its `SimSun-ExtB` values, a name Windows
/// itself uses, keep regedit's layout.
#[test]
fn hex_values_wrap_like_regedit_exports_in_the_corpus() {
    let mut checked = 0;
    for (name, only) in [
        ("11-Atlas-enable.reg", None),
        ("30-Debloat-Windows-10-lower-ram-usage.reg", None),
        ("37-Windows-classic-samples-Install.reg", None),
        ("38-Windows-classic-samples-HelloWorld.reg", None),
        ("40-Windows-classic-samples-L2SecExt.reg", None),
        ("46-FarManager-FARColors242.reg", None),
        (
            "29-Plangothic_Project-Plangothic-Install.reg",
            Some("SimSun-ExtB"),
        ),
    ] {
        let bytes = corpus_file(name);
        let text = corpus_text(&bytes);
        let options = ReadOptions::new(name).with_lenient(true);
        let tree = parse(&bytes, &options).unwrap().to_tree();
        for (_, key) in tree.walk() {
            for value in key.values() {
                let hex = !matches!(value.kind(), ValueType::Sz | ValueType::Dword);
                if !hex || only.is_some_and(|only| only != value.name()) {
                    continue;
                }
                let original = value_lines(&text, value.name());
                let mut alone = RegTree::new();
                alone
                    .ensure(r"HKEY_CURRENT_USER\X")
                    .set_value(value.clone());
                let written = corpus_text(&export(&alone));
                assert_eq!(value_lines(&written, value.name()), original, "{name}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 10, "only {checked} hex values checked");
}

/// The text of a corpus file or an export, with LF line ends.
fn corpus_text(bytes: &[u8]) -> String {
    let text = match bytes {
        [0xFF, 0xFE, rest @ ..] => {
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|p| u16::from_le_bytes([p[0], p[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    };
    text.replace("\r\n", "\n")
}

/// The line `"name"=hex...` and the continuation lines after it.
fn value_lines(text: &str, name: &str) -> Vec<String> {
    let start = format!("\"{name}\"=hex");
    let mut lines = text.lines().skip_while(|line| !line.starts_with(&start));
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no hex line for {name}"));
    let mut out = vec![first.to_string()];
    let mut continued = first.ends_with('\\');
    for line in lines {
        if !continued {
            break;
        }
        out.push(line.to_string());
        continued = line.ends_with('\\');
    }
    out
}

#[test]
fn hex_lines_wrap_where_regedit_wraps_them() {
    let mut tree = RegTree::new();
    let key = tree.ensure(r"HKEY_CURRENT_USER\Software\Wrap");
    key.set_value(Value::binary("b", (0..60).collect()));
    let long_name = "n".repeat(80);
    key.set_value(Value::binary(long_name.clone(), vec![1, 2, 3]));
    let written = export(&tree);
    let text = String::from_utf16(
        &written[2..]
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let first = "\"b\"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,\\";
    let second = "  17,18,19,1a,1b,1c,1d,1e,1f,20,21,22,23,24,25,26,27,28,29,2a,2b,2c,2d,2e,2f,\\";
    let third = "  30,31,32,33,34,35,36,37,38,39,3a,3b";
    assert!(
        text.contains(&format!("{first}\r\n{second}\r\n{third}\r\n")),
        "{text}"
    );
    // A prefix already past the width breaks after the first byte.
    assert!(
        text.contains(&format!("\"{long_name}\"=hex:01,\\\r\n  02,03\r\n")),
        "{text}"
    );
}

#[test]
fn data_no_quoted_string_or_dword_can_carry_is_written_as_hex() {
    let mut tree = RegTree::new();
    let key = tree.ensure(r"HKEY_LOCAL_MACHINE\SOFTWARE\Odd");
    key.set_value(Value::new("no nul", ValueType::Sz, vec![0x61, 0]));
    key.set_value(Value::new("inner nul", ValueType::Sz, utf16("a\0b\0")));
    key.set_value(Value::new("odd", ValueType::Sz, vec![0x61, 0, 0]));
    key.set_value(Value::sz("line break", "a\r\nb"));
    key.set_value(Value::new("empty", ValueType::Sz, Vec::new()));
    key.set_value(Value::new("short dword", ValueType::Dword, vec![1, 2]));
    key.set_value(Value::sz("fine", r#"C:\"quoted""#));
    let written = export(&tree);
    let text = String::from_utf8_lossy(&written).replace('\0', "");
    for line in [
        r#""no nul"=hex(1):61,00"#,
        r#""inner nul"=hex(1):61,00,00,00,62,00,00,00"#,
        r#""odd"=hex(1):61,00,00"#,
        r#""line break"=hex(1):61,00,0d,00,0a,00,62,00,00,00"#,
        r#""empty"=hex(1):"#,
        r#""short dword"=hex(4):01,02"#,
        r#""fine"="C:\\\"quoted\"""#,
    ] {
        assert!(
            text.contains(&format!("{line}\r\n")),
            "missing {line} in {text}"
        );
    }
    assert_eq!(tree_of(&written), tree);
}

#[test]
fn a_name_a_reg_file_cannot_hold_is_refused_not_mangled() {
    let mut tree = RegTree::new();
    tree.ensure(r"HKEY_CURRENT_USER\Software")
        .set_value(Value::sz("two\nlines", "x"));
    let error = write_export(&tree, &mut Vec::new()).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

const ROOTS: [&str; 6] = [
    "HKEY_LOCAL_MACHINE",
    "HKEY_CURRENT_USER",
    "HKEY_CLASSES_ROOT",
    "HKEY_USERS",
    "HKEY_CURRENT_CONFIG",
    "HKEY_DYN_DATA",
];

/// Names with the characters a `.reg` file has to escape or could misread.
fn odd_text(max: usize) -> impl Strategy<Value = String> {
    let pattern = format!("[a-zA-Z0-9 \"\\\\\\[\\];=@,.#-]{{0,{max}}}");
    prop_oneof![
        3 => proptest::string::string_regex(&pattern).expect("a valid pattern"),
        1 => proptest::string::string_regex(&format!("[^\r\n\u{0}]{{0,{max}}}"))
            .expect("a valid pattern"),
    ]
}

fn key_name() -> impl Strategy<Value = String> {
    odd_text(12).prop_map(|name| {
        let name = name.replace('\\', "/");
        if name.is_empty() {
            "k".to_string()
        } else {
            name
        }
    })
}

fn value() -> impl Strategy<Value = Value> {
    let code = prop_oneof![
        Just(0u32),
        Just(1),
        Just(2),
        Just(3),
        Just(4),
        Just(7),
        Just(11),
        any::<u32>(),
        (0u32..0x40).prop_map(|n| n * 2 + 1),
    ];
    let data = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..120),
        odd_text(40).prop_map(|text| encode_sz(&text)),
        any::<u32>().prop_map(|n| n.to_le_bytes().to_vec()),
    ];
    (odd_text(16), code, data)
        .prop_map(|(name, code, data)| Value::new(name, ValueType::from_code(code), data))
}

fn tree() -> impl Strategy<Value = RegTree> {
    let key = (
        proptest::sample::select(&ROOTS[..]),
        proptest::collection::vec(key_name(), 0..4),
        proptest::collection::vec(value(), 0..5),
    );
    proptest::collection::vec(key, 1..8).prop_map(|keys| {
        let mut tree = RegTree::new();
        for (root, path, values) in keys {
            let mut full = root.to_string();
            for part in path {
                full.push('\\');
                full.push_str(&part);
            }
            let key = tree.ensure(&full);
            for value in values {
                key.set_value(value);
            }
        }
        tree
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn write_then_read_gives_the_same_tree(tree in tree()) {
        let written = export(&tree);
        let read = parse(&written, &ReadOptions::new("generated"));
        let read = read.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(read.ignored.is_empty());
        prop_assert_eq!(read.to_tree(), tree);
        // Written again, the bytes are the same: the writer is deterministic.
        prop_assert!(export(&read.to_tree()) == written);
    }
}
