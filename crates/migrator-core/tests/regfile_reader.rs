//! The `.reg` reader on small hand-written files: what regedit accepts is read the same way,
//! and what it would skip or misread is refused at the right line and column.

use migrator_core::registry::regfile::{parse, Entry, ReadOptions, RegFile, RegFileError, ValueOp};
use migrator_core::registry::{RegTree, Value, ValueType};

const V5: &str = "Windows Registry Editor Version 5.00\r\n\r\n";
const KEY: &str = "[HKEY_CURRENT_USER\\Software\\Test]\r\n";
const PATH: &str = r"HKEY_CURRENT_USER\Software\Test";

fn options() -> ReadOptions {
    ReadOptions::new("test.reg")
}

fn read(text: &str) -> Result<RegFile, RegFileError> {
    parse(text.as_bytes(), &options())
}

fn tree(text: &str) -> RegTree {
    read(text).unwrap_or_else(|e| panic!("{e}")).to_tree()
}

/// The value `name` of the test key in a version 5 file holding `lines` under that key.
fn value(lines: &str, name: &str) -> Value {
    let tree = tree(&format!("{V5}{KEY}{lines}"));
    let key = tree.find(PATH).expect("the test key");
    key.value(name)
        .cloned()
        .unwrap_or_else(|| panic!("no value {name:?}"))
}

/// The error of a version 5 file holding `lines` under the test key (line 4 is the first).
fn refusal(lines: &str) -> RegFileError {
    read(&format!("{V5}{KEY}{lines}")).expect_err("a refusal")
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(u16::to_le_bytes)
        .chain([0, 0])
        .collect()
}

#[test]
fn crlf_lf_and_lone_cr_line_ends_read_alike() {
    let crlf = format!("{V5}{KEY}\"a\"=\"1\"\r\n\"b\"=hex:01,\\\r\n  02\r\n");
    let lf = crlf.replace("\r\n", "\n");
    let cr = crlf.replace("\r\n", "\r");
    assert_eq!(tree(&lf), tree(&crlf));
    assert_eq!(tree(&cr), tree(&crlf));
    let key = tree(&cr);
    assert_eq!(key.find(PATH).unwrap().value("b").unwrap().data(), [1, 2]);
}

#[test]
fn utf16_and_utf8_files_read_alike() {
    let text = format!("{V5}{KEY}\"名前\"=\"値\"\r\n");
    let utf16_file: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf8_bom: Vec<u8> = [0xEF, 0xBB, 0xBF].into_iter().chain(text.bytes()).collect();
    let expected = tree(&text);
    for bytes in [utf16_file, utf8_bom] {
        assert_eq!(parse(&bytes, &options()).unwrap().to_tree(), expected);
    }
    assert_eq!(
        expected.find(PATH).unwrap().text("名前").as_deref(),
        Some("値")
    );
}

#[test]
fn blanks_around_equals_and_comments_after_data_are_allowed() {
    assert_eq!(
        value("  \"a\"  =  \"x;y\"  ; note\r\n", "a")
            .as_text()
            .unwrap(),
        "x;y"
    );
    let number = value("\"n\" =\tdword: 0000abcd ;note\r\n", "n");
    assert_eq!(number.data(), 0xabcd_u32.to_le_bytes());
    assert_eq!(value("\"d\"=dword:1\r\n", "d").data(), 1_u32.to_le_bytes());
}

#[test]
fn quoted_names_and_strings_unescape_quotes_and_backslashes() {
    let lines = "\"a\\\"b\\\\c\"=\"C:\\\\dir\\\\\"\r\n";
    assert_eq!(value(lines, "a\"b\\c").as_text().unwrap(), "C:\\dir\\");
    // `""` names the default value, like `@`.
    assert_eq!(
        value("\"\"=\"default\"\r\n", "").as_text().unwrap(),
        "default"
    );
    assert_eq!(value("@=\"x\"\r\n", "").data(), utf16("x"));
}

#[test]
fn hex_continuations_pass_over_blank_and_comment_lines() {
    let lines = "\"h\"=hex:00,01,\\ ; first\r\n\r\n  ; between\r\n  02,\t03,\\\r\n  04\r\n";
    assert_eq!(value(lines, "h").data(), [0, 1, 2, 3, 4]);
    // A list may end with a comma, and may start on the next line.
    assert_eq!(value("\"t\"=hex:0a,0B,\r\n", "t").data(), [0x0a, 0x0b]);
    assert_eq!(
        value("\"s\"=hex(2):\\\r\n  41,00,00,00\r\n", "s").data(),
        utf16("A")
    );
}

#[test]
fn any_hex_type_number_is_kept() {
    assert_eq!(value("\"n\"=hex(0):\r\n", "n").kind(), ValueType::None);
    assert_eq!(
        value("\"q\"=hex(b):01,00,00,00,00,00,00,00\r\n", "q").kind(),
        ValueType::Qword
    );
    let odd = value("\"o\"=hex(ffffffff):01\r\n", "o");
    assert_eq!(
        (odd.kind(), odd.data()),
        (ValueType::Other(0xffff_ffff), &[1][..])
    );
    assert_eq!(value("\"f\"=hex(5):\r\n", "f").kind(), ValueType::Other(5));
}

#[test]
fn version5_string_hex_data_keeps_its_exact_bytes() {
    let unterminated = value("\"e\"=hex(2):41,00\r\n", "e");
    assert_eq!(unterminated.data(), [0x41, 0]);
    let odd = value("\"s\"=hex(1):41,00,00\r\n", "s");
    assert_eq!((odd.kind(), odd.data()), (ValueType::Sz, &[0x41, 0, 0][..]));
}

#[test]
fn regedit4_string_hex_data_becomes_utf16_in_the_code_page() {
    let text = b"REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\T]\r\n\"e\"=hex(2):c0,e1\r\n\
                 \"m\"=hex(7):61,00,62,00,00\r\n\"b\"=hex:c0\r\n\"s\"=\"\xc0\"\r\n";
    let options = options().with_code_page(1251);
    let tree = parse(text, &options).unwrap().to_tree();
    let key = tree.find(r"HKEY_CURRENT_USER\T").unwrap();
    // The missing terminating NUL is added, as regedit does.
    assert_eq!(key.value("e").unwrap().data(), utf16("Аб"));
    assert_eq!(key.value("m").unwrap().as_strings().unwrap(), ["a", "b"]);
    assert_eq!(key.value("b").unwrap().data(), [0xc0]);
    assert_eq!(key.text("s").as_deref(), Some("А"));
}

#[test]
fn deletions_are_kept_in_file_order() {
    let text = format!("{V5}[-{PATH}\\Old]\r\n{KEY}\"gone\"=-\r\n");
    let file = read(&text).unwrap();
    assert_eq!(
        file.entries,
        [
            Entry::DeleteKey {
                path: format!("{PATH}\\Old")
            },
            Entry::Key {
                path: PATH.to_string(),
                values: vec![ValueOp::Delete("gone".to_string())]
            }
        ]
    );
}

#[test]
fn a_key_path_keeps_brackets_up_to_the_last_one() {
    let text = format!("{V5}[{PATH}\\a]b]\r\n@=\"x\"\r\n");
    assert!(tree(&text).find(&format!("{PATH}\\a]b")).is_some());
}

#[test]
fn bad_lines_are_refused_where_they_go_wrong() {
    let cases: [(&str, (usize, usize), &str); 14] = [
        ("\"a\"=dword:123456789\r\n", (4, 11), "1 to 8 hex digits"),
        ("\"a\"=dword:0x1\r\n", (4, 12), "end of the line"),
        ("\"a\"=dword:1\\\r\n", (4, 12), "continues only hex data"),
        ("\"a\"=\"open\r\n", (4, 10), "closing the quoted text"),
        ("\"a\"=\"C:\\dir\"\r\n", (4, 8), "after a backslash"),
        ("\"a\"=\"x\" y\r\n", (4, 9), "end of the line"),
        ("\"a\" \"x\"\r\n", (4, 5), "`=`"),
        ("\"a\"=hex(0x2):00\r\n", (4, 9), "type number"),
        ("\"a\"=hex:1,234\r\n", (4, 13), "two hex digits"),
        (
            "\"a\"=hex:12 ,34\r\n",
            (4, 12),
            "`,` or the end of the line",
        ),
        ("\"a\"=hex:12\\\r\n", (4, 11), "`,` before the `\\`"),
        (
            "\"a\"=hex:12,\\\r\n\"b\"=\"x\"\r\n",
            (5, 1),
            "continuing the data",
        ),
        ("\"a\"=str:\"x\"\r\n", (4, 5), "expected the data"),
        ("#comment\r\n", (4, 1), "a `;` comment"),
    ];
    for (lines, at, says) in cases {
        let error = refusal(lines);
        assert_eq!((error.line, error.column), at, "{lines:?}: {error}");
        assert!(error.expected.contains(says), "{lines:?}: {error}");
    }
}

#[test]
fn key_lines_must_name_a_root_key() {
    for (line, says) in [
        ("[HKLM\\Software]", "root key"),
        ("[ HKEY_CURRENT_USER\\X]", "right after `[`"),
        ("[HKEY_CURRENT_USER\\X", "closing the key path"),
        ("[-HKEY_CURRENT_USER]", "below the root key"),
        ("[]", "key path between"),
    ] {
        let error = read(&format!("{V5}{line}\r\n")).expect_err(line);
        assert_eq!(error.line, 3, "{line}: {error}");
        assert!(error.expected.contains(says), "{line}: {error}");
    }
}

#[test]
fn key_paths_deeper_than_windows_allows_are_refused_not_overflowing() {
    let path = |levels: usize| {
        let mut path = String::from("HKEY_CURRENT_USER");
        for level in 1..levels {
            path.push_str(&format!("\\k{level}"));
        }
        path
    };
    let deepest = tree(&format!("{V5}[{}]\r\n\"v\"=\"deep\"\r\n", path(512)));
    assert_eq!(deepest.walk().len(), 512);
    // A hostile file 20,000 levels deep: one clear error on its line, no stack overflow.
    let text = format!("{V5}[{}]\r\n[{}]\r\n", path(3), path(20_000));
    let error = read(&text).expect_err("too deep");
    assert_eq!(error.line, 4, "{error}");
    assert!(error.expected.contains("at most 512 levels"), "{error}");
    assert!(error.expected.contains("20000"), "{error}");
}

#[test]
fn a_lenient_read_skips_what_regedit_skips_and_lists_it() {
    let text = format!(
        "{V5}\"orphan\"=\"x\"\r\n{KEY}\"a\"=dword:123456789\r\n\"b\"=hex:01,\\\r\n\
         \"c\"=\"kept\"\r\n[{PATH}] trailing\r\n\"d\"=\"also kept\"\r\n"
    );
    assert_eq!(read(&text).unwrap_err().line, 3);
    let file = parse(text.as_bytes(), &options().with_lenient(true)).unwrap();
    let lines: Vec<usize> = file.ignored.iter().map(|e| e.line).collect();
    assert_eq!(lines, [3, 5, 7, 8]);
    let tree = file.to_tree();
    let key = tree.find(PATH).unwrap();
    let names: Vec<&str> = key.values().map(Value::name).collect();
    assert_eq!(names, ["c", "d"]);
}

#[test]
fn headers_are_read_from_the_first_line_only() {
    let body = format!("{KEY}\"a\"=\"1\"\r\n");
    for header in [
        "  Windows Registry Editor Version 5.00  ",
        "Windows Registry Editor Version 5.00 ; comment",
        "\u{FEFF}REGEDIT4",
    ] {
        let text = format!("{header}\r\n{body}");
        assert_eq!(
            tree(&text).find(PATH).unwrap().text("a").as_deref(),
            Some("1")
        );
    }
    for (header, says) in [
        ("regedit4", "found `regedit4`"),
        ("REGEDIT5", "accepts without importing"),
        ("REGEDIT", "Windows 3.1"),
        ("WINE REGISTRY Version 2", "Wine"),
        ("", "empty first line"),
    ] {
        let error = read(&format!("{header}\r\n{body}")).expect_err(header);
        assert_eq!((error.line, error.column), (1, 1));
        assert!(error.expected.contains(says), "{header}: {error}");
    }
    assert!(read("").unwrap_err().expected.contains("empty first line"));
}

#[test]
fn a_version5_file_without_bom_that_is_not_utf8_is_read_in_the_code_page() {
    let mut bytes = format!("{V5}{KEY}\"a\"=\"").into_bytes();
    bytes.extend_from_slice(&[0xE9, b'"', b'\r', b'\n']);
    let tree = parse(&bytes, &options()).unwrap().to_tree();
    assert_eq!(tree.find(PATH).unwrap().text("a").as_deref(), Some("é"));
}

#[test]
fn a_ctrl_z_ends_the_file_only_at_its_end() {
    assert!(read(&format!("REGEDIT4\r\n{KEY}\"a\"=\"1\"\r\n\u{1A}")).is_ok());
    let error = read(&format!("REGEDIT4\r\n{KEY}\u{1A}\r\n\"a\"=\"1\"\r\n")).unwrap_err();
    assert_eq!((error.line, error.column), (3, 1));
}

#[test]
fn an_error_names_the_file_line_and_column() {
    let error = refusal("\"a\"=dword:xyz\r\n");
    assert_eq!(
        error.to_string(),
        "test.reg:4:11: expected 1 to 8 hex digits after `dword:`, found 0"
    );
}
