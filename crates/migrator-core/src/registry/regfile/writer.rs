//! Writes a tree exactly as regedit's export writes it.
//!
//! The output is UTF-16LE with a byte order mark and CRLF line ends: the version 5 header, then
//! for every key a blank line, `[PATH]` and its values, keys and values in stored order, and a
//! final blank line. Strings are quoted with `\\` and `\"` escapes; a REG_DWORD of four bytes
//! is `dword:xxxxxxxx`; everything else is hex, wrapped like regedit: after the comma that
//! brings a line to 77 characters or more, `\`, CRLF and two spaces of indent follow. Data that
//! a quoted string or `dword:` cannot carry exactly (a string without its terminating NUL, with
//! an inner NUL, a line break or an odd length; a REG_DWORD of another size) is written as
//! `hex(1)` or `hex(4)`, so no byte is lost.
//!
//! The text is encoded in a small buffer and handed to the writer in blocks: memory stays flat
//! however large the tree.

use std::io::{self, Write};

use crate::registry::{split_path, Key, RegTree, Value, ValueType};

const HEADER: &str = "Windows Registry Editor Version 5.00\r\n";
/// A hex line is broken after the comma that brings it to this many characters.
const WRAP_AT: usize = 77;
/// The indent of a continued hex line.
const CONTINUATION: &str = "\\\r\n  ";
const FLUSH_AT: usize = 1 << 16;
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// Writes `tree` as a regedit version 5 export to `out`.
///
/// The export starts where regedit's would for this content: at the first key, from the top,
/// that has values or other than exactly one subkey. Ancestors with no values and a single
/// subkey are left out, as regedit never writes the keys above the one exported; importing the
/// file creates them again. Use [`write_export_at`] to name the exported key instead.
///
/// # Errors
///
/// Fails with [`io::ErrorKind::InvalidInput`] when a name cannot be written in a `.reg` file
/// (a line break or NUL in it, a key name that is empty or holds `\`), and with the errors
/// of `out`.
pub fn write_export(tree: &RegTree, out: &mut dyn Write) -> io::Result<()> {
    let (path, key) = export_root(tree);
    write_from(&path, key, out)
}

/// Writes the key at `path` of `tree`, with its subtree, as `regedit /e FILE PATH` would.
///
/// # Errors
///
/// Fails with [`io::ErrorKind::NotFound`] when `tree` has no key at `path`, and as
/// [`write_export`] does.
pub fn write_export_at(tree: &RegTree, path: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut key = tree.root();
    let mut stored = String::new();
    for part in split_path(path) {
        key = key.subkey(part).ok_or_else(|| {
            io::Error::new(io::ErrorKind::NotFound, format!("no key {path} to export"))
        })?;
        if !stored.is_empty() {
            stored.push('\\');
        }
        stored.push_str(key.name());
    }
    write_from(&stored, key, out)
}

/// The key an export of the whole tree starts at, with its path (empty for the nameless root).
fn export_root(tree: &RegTree) -> (String, &Key) {
    let mut key = tree.root();
    let mut path = String::new();
    while key.value_count() == 0 && key.subkey_count() == 1 {
        let Some(child) = key.subkeys().next() else {
            break;
        };
        if !path.is_empty() {
            path.push('\\');
        }
        path.push_str(child.name());
        key = child;
    }
    (path, key)
}

fn write_from(path: &str, key: &Key, out: &mut dyn Write) -> io::Result<()> {
    let mut sink = Sink {
        out,
        buf: Vec::with_capacity(FLUSH_AT * 2),
    };
    sink.buf.extend_from_slice(&[0xFF, 0xFE]);
    sink.ascii(HEADER);
    if path.is_empty() {
        for hive in key.subkeys() {
            sink.subtree(hive.name().to_string(), hive)?;
        }
    } else {
        sink.subtree(path.to_string(), key)?;
    }
    sink.ascii("\r\n");
    sink.out.write_all(&sink.buf)?;
    sink.out.flush()
}

/// UTF-16LE text on its way to the writer.
struct Sink<'w> {
    out: &'w mut dyn Write,
    buf: Vec<u8>,
}

impl Sink<'_> {
    /// Writes `key` at `path` and every key below it, depth-first in stored order. An explicit
    /// stack keeps deep trees off the call stack.
    fn subtree(&mut self, mut path: String, key: &Key) -> io::Result<()> {
        let mut stack: Vec<(Option<usize>, &Key)> = vec![(None, key)];
        while let Some((parent_len, key)) = stack.pop() {
            if let Some(len) = parent_len {
                path.truncate(len);
                path.push('\\');
                path.push_str(key.name());
            }
            check_key_name(key.name())?;
            self.key(&path, key)?;
            let len = path.len();
            stack.extend(key.subkeys().rev().map(|child| (Some(len), child)));
        }
        Ok(())
    }

    fn key(&mut self, path: &str, key: &Key) -> io::Result<()> {
        self.ascii("\r\n[");
        self.text(path);
        self.ascii("]\r\n");
        for value in key.values() {
            self.value(value)?;
            if self.buf.len() >= FLUSH_AT {
                self.out.write_all(&self.buf)?;
                self.buf.clear();
            }
        }
        Ok(())
    }

    fn value(&mut self, value: &Value) -> io::Result<()> {
        check_text(value.name(), "value name")?;
        let name_len = if value.is_default() {
            self.ascii("@=");
            2
        } else {
            let quoted = self.quoted(value.name());
            self.ascii("=");
            quoted + 1
        };
        let data = value.data();
        match value.kind() {
            ValueType::Sz => match clean_string(data) {
                Some(text) => {
                    self.quoted(&text);
                }
                None => self.hex(name_len, ValueType::Sz, data),
            },
            ValueType::Dword if data.len() == 4 => {
                let number = u32::from_le_bytes([data[0], data[1], data[2], data[3]]);
                self.ascii(&format!("dword:{number:08x}"));
            }
            kind => self.hex(name_len, kind, data),
        }
        self.ascii("\r\n");
        Ok(())
    }

    /// Hex data after a line prefix of `line_len` characters, wrapped as regedit wraps it.
    fn hex(&mut self, mut line_len: usize, kind: ValueType, data: &[u8]) {
        let prefix = match kind {
            ValueType::Binary => "hex:".to_string(),
            other => format!("hex({:x}):", other.code()),
        };
        self.ascii(&prefix);
        line_len += prefix.len();
        let last = data.len().saturating_sub(1);
        for (i, &byte) in data.iter().enumerate() {
            let high = HEX_DIGITS[usize::from(byte >> 4)];
            let low = HEX_DIGITS[usize::from(byte & 0x0F)];
            self.buf.extend_from_slice(&[high, 0, low, 0]);
            if i == last {
                break;
            }
            self.buf.extend_from_slice(&[b',', 0]);
            line_len += 3;
            if line_len >= WRAP_AT {
                self.ascii(CONTINUATION);
                line_len = 2;
            }
        }
    }

    /// Writes `text` in quotes with `\\` and `\"` escapes; returns its length in UTF-16 units,
    /// which is how regedit counts a line's width.
    fn quoted(&mut self, text: &str) -> usize {
        let mut units = 2;
        self.ascii("\"");
        for c in text.chars() {
            if c == '\\' || c == '"' {
                self.buf.extend_from_slice(&[b'\\', 0]);
                units += 1;
            }
            let mut pair = [0u16; 2];
            for unit in c.encode_utf16(&mut pair) {
                self.buf.extend_from_slice(&unit.to_le_bytes());
                units += 1;
            }
        }
        self.ascii("\"");
        units
    }

    /// Appends ASCII text.
    fn ascii(&mut self, text: &str) {
        for &byte in text.as_bytes() {
            self.buf.extend_from_slice(&[byte, 0]);
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_ascii() {
            return self.ascii(text);
        }
        for unit in text.encode_utf16() {
            self.buf.extend_from_slice(&unit.to_le_bytes());
        }
    }
}

/// The text of REG_SZ data that a quoted string carries exactly: valid UTF-16 ending with its
/// only NUL, and no line break (a `.reg` string cannot hold one).
fn clean_string(data: &[u8]) -> Option<String> {
    if data.len() < 2 || data.len() % 2 != 0 || data[data.len() - 2..] != [0, 0] {
        return None;
    }
    let units = data[..data.len() - 2]
        .chunks_exact(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
    let mut text = String::with_capacity(data.len() / 2);
    for unit in char::decode_utf16(units) {
        match unit {
            Ok('\0' | '\r' | '\n') | Err(_) => return None,
            Ok(c) => text.push(c),
        }
    }
    Some(text)
}

fn check_key_name(name: &str) -> io::Result<()> {
    if name.is_empty() || name.contains('\\') {
        let message = format!("key name `{name}` cannot be written: it is empty or holds `\\`");
        return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
    }
    check_text(name, "key name")
}

fn check_text(name: &str, what: &str) -> io::Result<()> {
    if name.contains(['\r', '\n', '\0']) {
        let message = format!("{what} {name:?} cannot be written: a .reg line cannot hold it");
        return Err(io::Error::new(io::ErrorKind::InvalidInput, message));
    }
    Ok(())
}
