//! The line-by-line reader of `.reg` text, after the header.
//!
//! Each line is a key (`[PATH]` or `[-PATH]`), a value (`"name"=data`, `@=data`), a `;`
//! comment or blank. Only hex data continues on the next line, after a trailing `,\`; blank and
//! comment lines inside such a continuation are passed over, as regedit does. A line regedit
//! would skip is an error, or with [`ReadOptions::lenient`] an entry of [`RegFile::ignored`].

use super::codepage;
use super::decode::{split_first_line, Decoded};
use super::{Entry, Format, ReadOptions, RegFile, RegFileError, ValueOp};
use crate::registry::{Value, ValueType};

/// The root keys regedit accepts at the start of a key path.
const ROOTS: [&str; 6] = [
    "HKEY_LOCAL_MACHINE",
    "HKEY_CURRENT_USER",
    "HKEY_CLASSES_ROOT",
    "HKEY_USERS",
    "HKEY_CURRENT_CONFIG",
    "HKEY_DYN_DATA",
];

/// The DOS end-of-file mark some old editors leave at the end of a file.
const CTRL_Z: u8 = 0x1A;

/// The deepest key path Windows's registry holds, in levels counting the root key. Deeper
/// paths only come from damaged or hostile files, and would exhaust the stack of every
/// recursive walk over the tree.
pub(crate) const MAX_DEPTH: usize = 512;

/// Reads the body of a decoded file into its entries.
pub fn read(decoded: &Decoded, options: &ReadOptions) -> Result<RegFile, RegFileError> {
    let mut reader = Reader {
        lines: Lines {
            text: &decoded.text,
            pos: decoded.body,
            number: 1,
        },
        pending: None,
        options,
        format: decoded.format,
        entries: Vec::new(),
        ignored: Vec::new(),
        in_key: false,
    };
    reader.run()?;
    Ok(RegFile {
        format: decoded.format,
        encoding: decoded.encoding,
        entries: reader.entries,
        ignored: reader.ignored,
    })
}

/// One physical line: its 1-based number, its text without the line break, and where it
/// starts in the whole text.
#[derive(Clone, Copy)]
struct Line<'a> {
    number: usize,
    text: &'a str,
    start: usize,
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
    number: usize,
}

impl<'a> Iterator for Lines<'a> {
    type Item = Line<'a>;

    fn next(&mut self) -> Option<Line<'a>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let (text, next) = split_first_line(&self.text[start..]);
        self.pos += next;
        self.number += 1;
        Some(Line {
            number: self.number,
            text,
            start,
        })
    }
}

struct Reader<'a> {
    lines: Lines<'a>,
    /// A line to read again as a line of its own, after a hex continuation stopped at it.
    pending: Option<Line<'a>>,
    options: &'a ReadOptions,
    format: Format,
    entries: Vec<Entry>,
    ignored: Vec<RegFileError>,
    /// Whether the last entry is a key that takes the values that follow.
    in_key: bool,
}

impl<'a> Reader<'a> {
    fn run(&mut self) -> Result<(), RegFileError> {
        while let Some(line) = self.pending.take().or_else(|| self.lines.next()) {
            if let Err(error) = self.line(line) {
                if !self.options.lenient {
                    return Err(error);
                }
                self.ignored.push(error);
            }
        }
        Ok(())
    }

    fn line(&mut self, line: Line<'a>) -> Result<(), RegFileError> {
        let start = skip_blanks(line.text, 0);
        match line.text.as_bytes().get(start) {
            None | Some(b';') => Ok(()),
            Some(b'[') => self.key_line(line, start),
            Some(b'@' | b'"') => self.value_line(line, start),
            Some(&CTRL_Z) if self.only_end_marks_from(line.start + start) => {
                self.lines.pos = self.lines.text.len();
                Ok(())
            }
            Some(_) => Err(self.error(
                line,
                start,
                "expected a key `[...]`, a value `\"name\"=...` or `@=...`, or a `;` comment",
            )),
        }
    }

    fn only_end_marks_from(&self, offset: usize) -> bool {
        self.lines.text[offset..]
            .trim_matches(['\u{1A}', ' ', '\t', '\r', '\n'])
            .is_empty()
    }

    fn key_line(&mut self, line: Line<'a>, open: usize) -> Result<(), RegFileError> {
        self.in_key = false;
        let text = line.text;
        // Like regedit, the path ends at the last `]` of the line, so it may hold `]` itself.
        let Some(close) = text.rfind(']').filter(|&close| close > open) else {
            return Err(self.error(line, text.len(), "expected `]` closing the key path"));
        };
        // Regedit ignores text after the `]`; a lenient read keeps the key and notes the text.
        if let Err(error) = self.end_of_line(line, close + 1, "after the key's closing `]`") {
            if !self.options.lenient {
                return Err(error);
            }
            self.ignored.push(error);
        }
        let inner = &text[open + 1..close];
        let (delete, path) = match inner.strip_prefix('-') {
            Some(path) => (true, path),
            None => (false, inner),
        };
        self.check_path(line, close - path.len(), path, delete)?;
        let path = path.to_string();
        if delete {
            self.entries.push(Entry::DeleteKey { path });
        } else {
            self.entries.push(Entry::Key {
                path,
                values: Vec::new(),
            });
            self.in_key = true;
        }
        Ok(())
    }

    fn check_path(
        &self,
        line: Line<'a>,
        at: usize,
        path: &str,
        delete: bool,
    ) -> Result<(), RegFileError> {
        if path.is_empty() {
            return Err(self.error(line, at, "expected a key path between the brackets"));
        }
        if path.starts_with([' ', '\t']) {
            let expected = "expected the key path right after `[` (regedit skips a key line \
                            with a blank there)";
            return Err(self.error(line, at, expected));
        }
        let root = path.split('\\').next().unwrap_or(path);
        if !ROOTS.iter().any(|known| known.eq_ignore_ascii_case(root)) {
            let expected = format!(
                "expected a key path starting with a root key such as HKEY_LOCAL_MACHINE, \
                 found `{root}`"
            );
            return Err(self.error(line, at, &expected));
        }
        let depth = path.split('\\').count();
        if depth > MAX_DEPTH {
            let expected = format!(
                "expected a key path of at most {MAX_DEPTH} levels, the most Windows allows; \
                 this one has {depth}"
            );
            return Err(self.error(line, at, &expected));
        }
        if delete && path.split('\\').skip(1).all(str::is_empty) {
            let expected = "expected a key below the root key: regedit does not delete a root key";
            return Err(self.error(line, at, expected));
        }
        Ok(())
    }

    fn value_line(&mut self, line: Line<'a>, start: usize) -> Result<(), RegFileError> {
        let text = line.text;
        let (name, after_name) = if text.as_bytes()[start] == b'@' {
            (String::new(), start + 1)
        } else {
            self.quoted(line, start)?
        };
        let equals = skip_blanks(text, after_name);
        if text.as_bytes().get(equals) != Some(&b'=') {
            return Err(self.error(line, equals, "expected `=` after the value name"));
        }
        let data_at = skip_blanks(text, equals + 1);
        let op = self.value_op(line, name, data_at)?;
        match self.entries.last_mut() {
            Some(Entry::Key { values, .. }) if self.in_key => {
                values.push(op);
                Ok(())
            }
            _ => {
                let expected = "expected a `[KEY]` line before this value: regedit drops a \
                                value that comes before any key or after a `[-KEY]` deletion";
                Err(self.error(line, start, expected))
            }
        }
    }

    fn value_op(
        &mut self,
        line: Line<'a>,
        name: String,
        at: usize,
    ) -> Result<ValueOp, RegFileError> {
        let rest = &line.text[at..];
        if rest.starts_with('-') {
            self.end_of_line(line, at + 1, "after `=-`")?;
            return Ok(ValueOp::Delete(name));
        }
        if rest.starts_with('"') {
            let (text, end) = self.quoted(line, at)?;
            self.end_of_line(line, end, "after the string's closing `\"`")?;
            return Ok(ValueOp::Set(Value::sz(name, &text)));
        }
        if rest.starts_with("dword:") {
            let number = self.dword(line, at + "dword:".len())?;
            return Ok(ValueOp::Set(Value::dword(name, number)));
        }
        let (kind, data_at) = self.hex_type(line, at)?;
        let bytes = self.hex_list(line, data_at)?;
        let data = self.string_data(line, at, kind, bytes)?;
        Ok(ValueOp::Set(Value::new(name, kind, data)))
    }

    fn dword(&self, line: Line<'a>, at: usize) -> Result<u32, RegFileError> {
        let start = skip_blanks(line.text, at);
        let digits = count_hex_digits(line.text, start);
        if digits == 0 || digits > 8 {
            let expected = format!("expected 1 to 8 hex digits after `dword:`, found {digits}");
            return Err(self.error(line, start, &expected));
        }
        let end = start + digits;
        let number = u32::from_str_radix(&line.text[start..end], 16)
            .map_err(|_| self.error(line, start, "expected hex digits after `dword:`"))?;
        self.end_of_line(line, end, "after the dword value")?;
        Ok(number)
    }

    /// The type named by `hex:` or `hex(N):` at `at`, and where its data starts.
    fn hex_type(&self, line: Line<'a>, at: usize) -> Result<(ValueType, usize), RegFileError> {
        let rest = &line.text[at..];
        if rest.starts_with("hex:") {
            return Ok((ValueType::Binary, at + "hex:".len()));
        }
        if !rest.starts_with("hex(") {
            let expected = "expected the data: a `\"string\"`, `dword:`, `hex:`, `hex(N):` or `-`";
            return Err(self.error(line, at, expected));
        }
        let code_at = at + "hex(".len();
        let digits = count_hex_digits(line.text, code_at);
        let end = code_at + digits;
        if digits == 0 || digits > 8 || !line.text[end..].starts_with("):") {
            let expected = "expected a type number of 1 to 8 hex digits and `):` after `hex(`";
            return Err(self.error(line, code_at, expected));
        }
        let code = u32::from_str_radix(&line.text[code_at..end], 16)
            .map_err(|_| self.error(line, code_at, "expected a hex type number"))?;
        Ok((ValueType::from_code(code), end + "):".len()))
    }

    /// The bytes of a comma-separated hex list, following `,\` continuations.
    fn hex_list(&mut self, mut line: Line<'a>, mut at: usize) -> Result<Vec<u8>, RegFileError> {
        let mut data = Vec::new();
        loop {
            match scan_hex(line.text, at, &mut data) {
                Ok(Hex::End) => return Ok(data),
                Ok(Hex::Continued) => (line, at) = self.continuation(line)?,
                Err((offset, expected)) => return Err(self.error(line, offset, expected)),
            }
        }
    }

    /// The next line holding hex data, past blank and comment lines.
    fn continuation(&mut self, from: Line<'a>) -> Result<(Line<'a>, usize), RegFileError> {
        while let Some(line) = self.lines.next() {
            let start = skip_blanks(line.text, 0);
            match line.text.as_bytes().get(start) {
                None | Some(b';') => continue,
                Some(c) if c.is_ascii_hexdigit() => return Ok((line, start)),
                Some(_) => {
                    self.pending = Some(line);
                    let expected = "expected hex bytes continuing the data of the value above, \
                                    which ends with `\\`";
                    return Err(self.error(line, start, expected));
                }
            }
        }
        let expected = "expected more hex data after the final `\\`, found the end of the file";
        Err(self.error(from, from.text.len(), expected))
    }

    /// Regedit reads the 8-bit string data of a `REGEDIT4` file in the code page and stores it
    /// as UTF-16LE, adding the terminating NUL when the file leaves it out.
    fn string_data(
        &self,
        line: Line<'a>,
        at: usize,
        kind: ValueType,
        mut bytes: Vec<u8>,
    ) -> Result<Vec<u8>, RegFileError> {
        let is_text = matches!(
            kind,
            ValueType::Sz | ValueType::ExpandSz | ValueType::MultiSz
        );
        if self.format != Format::Regedit4 || !is_text || bytes.is_empty() {
            return Ok(bytes);
        }
        if bytes.last() != Some(&0) {
            bytes.push(0);
        }
        let code_page = self.options.code_page;
        match codepage::decode(code_page, &bytes) {
            Ok(text) => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
            Err(_) => {
                let expected = format!("expected text in code page {code_page} in this hex data");
                Err(self.error(line, at, &expected))
            }
        }
    }

    /// The unescaped text of the quoted string starting at `at`, and the offset after it.
    fn quoted(&self, line: Line<'a>, at: usize) -> Result<(String, usize), RegFileError> {
        let (text, bytes) = (line.text, line.text.as_bytes());
        let mut out = String::new();
        let (mut i, mut run) = (at + 1, at + 1);
        loop {
            match bytes.get(i) {
                None => {
                    let expected = "expected `\"` closing the quoted text (it cannot go on to \
                                    the next line)";
                    return Err(self.error(line, i, expected));
                }
                Some(b'"') => {
                    out.push_str(&text[run..i]);
                    return Ok((out, i + 1));
                }
                Some(b'\\') => {
                    out.push_str(&text[run..i]);
                    match bytes.get(i + 1) {
                        Some(&c @ (b'\\' | b'"')) => out.push(char::from(c)),
                        _ => {
                            let expected = "expected `\\\\` or `\\\"` after a backslash in \
                                            quoted text";
                            return Err(self.error(line, i, expected));
                        }
                    }
                    i += 2;
                    run = i;
                }
                Some(_) => i += 1,
            }
        }
    }

    fn end_of_line(&self, line: Line<'a>, at: usize, context: &str) -> Result<(), RegFileError> {
        let at = skip_blanks(line.text, at);
        match line.text.as_bytes().get(at) {
            None | Some(b';') => Ok(()),
            Some(b'\\') => {
                let expected = format!(
                    "expected the end of the line {context}: a `\\` continues only hex data"
                );
                Err(self.error(line, at, &expected))
            }
            Some(_) => {
                let expected = format!("expected the end of the line or a `;` comment {context}");
                Err(self.error(line, at, &expected))
            }
        }
    }

    fn error(&self, line: Line<'a>, offset: usize, expected: &str) -> RegFileError {
        let offset = offset.min(line.text.len());
        RegFileError {
            source: self.options.source.clone(),
            line: line.number,
            column: line.text[..offset].chars().count() + 1,
            expected: expected.to_string(),
        }
    }
}

/// How a line of hex data ends.
enum Hex {
    /// At the end of the line or a comment: the value is complete.
    End,
    /// With `\`: the data goes on in the next line.
    Continued,
}

/// Appends the bytes of the hex list in `text` from `at` to `data`. Regedit's rules: a byte is
/// one or two hex digits, a comma follows it directly, blanks may follow a comma, a trailing
/// comma is allowed, and `\` after a comma continues the list on the next line.
fn scan_hex(text: &str, at: usize, data: &mut Vec<u8>) -> Result<Hex, (usize, &'static str)> {
    let bytes = text.as_bytes();
    let mut i = skip_blanks(text, at);
    loop {
        match bytes.get(i) {
            None | Some(b';') => return Ok(Hex::End),
            Some(b'\\') => return after_backslash(text, i + 1),
            Some(_) => {}
        }
        let Some(high) = hex_value(bytes[i]) else {
            return Err((i, "expected a hex byte such as `0a`"));
        };
        i += 1;
        let mut byte = high;
        if let Some(low) = bytes.get(i).and_then(|&c| hex_value(c)) {
            byte = high * 16 + low;
            i += 1;
        }
        if bytes.get(i).is_some_and(u8::is_ascii_hexdigit) {
            return Err((i, "expected `,` after a byte of two hex digits"));
        }
        data.push(byte);
        if bytes.get(i) == Some(&b',') {
            i = skip_blanks(text, i + 1);
            continue;
        }
        let after = skip_blanks(text, i);
        return match bytes.get(after) {
            None | Some(b';') => Ok(Hex::End),
            Some(b'\\') => Err((
                after,
                "expected `,` before the `\\` that continues hex data",
            )),
            Some(_) => Err((
                after,
                "expected `,` or the end of the line after a hex byte",
            )),
        };
    }
}

fn after_backslash(text: &str, at: usize) -> Result<Hex, (usize, &'static str)> {
    let at = skip_blanks(text, at);
    match text.as_bytes().get(at) {
        None | Some(b';') => Ok(Hex::Continued),
        Some(_) => Err((
            at,
            "expected the end of the line after the `\\` that continues hex data",
        )),
    }
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn count_hex_digits(text: &str, at: usize) -> usize {
    text.as_bytes()[at..]
        .iter()
        .take_while(|c| c.is_ascii_hexdigit())
        .count()
}

/// The offset of the first character at or after `at` that is not a space or a tab.
fn skip_blanks(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    let mut i = at;
    while matches!(bytes.get(i), Some(b' ' | b'\t')) {
        i += 1;
    }
    i
}
