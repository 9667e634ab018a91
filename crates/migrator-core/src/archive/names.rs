//! Which entry names may become files on disk.
//!
//! Every file path inside a component is install-relative and uses forward slashes. Before a
//! single byte is extracted, every name of the component is checked here, so a crafted archive
//! can never write outside the destination folder, on Windows or elsewhere: no `..` or `.`
//! segment, no absolute path, no drive letter or other colon (which also rules out NTFS
//! alternate streams), no backslash, no control character, no empty segment, no Windows
//! device name and no segment ending in a dot or a space (Windows would silently drop it and
//! two names could then meet on disk).

/// The name of the registry data inside an inner ZIP; it is returned, never written to disk.
pub const REGISTRY_ENTRY: &str = "registry.reg";

/// The longest entry name accepted, in bytes.
pub const MAX_NAME_BYTES: usize = 1024;

const DEVICE_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Why `name` may not be extracted, or `None` when it is a safe relative path. A single
/// trailing slash (a directory entry) is allowed.
pub fn unsafe_reason(name: &str) -> Option<&'static str> {
    let body = name.strip_suffix('/').unwrap_or(name);
    if body.is_empty() {
        return Some("it is empty");
    }
    if name.len() > MAX_NAME_BYTES {
        return Some("it is too long");
    }
    if body.starts_with('/') {
        return Some("it is an absolute path");
    }
    if body.contains('\\') {
        return Some("it contains a backslash");
    }
    if body.contains(':') {
        return Some("it contains a colon (a drive letter or a stream name)");
    }
    if body.chars().any(char::is_control) {
        return Some("it contains a control character");
    }
    body.split('/').find_map(segment_reason)
}

fn segment_reason(segment: &str) -> Option<&'static str> {
    if segment.is_empty() {
        return Some("it has an empty path segment");
    }
    if segment == "." || segment == ".." {
        return Some("it has a . or .. segment");
    }
    if segment.ends_with('.') || segment.ends_with(' ') {
        return Some("a path segment ends in a dot or a space");
    }
    if segment
        .chars()
        .any(|c| matches!(c, '<' | '>' | '"' | '|' | '?' | '*'))
    {
        return Some("it contains a character Windows forbids in file names");
    }
    let stem = segment.split('.').next().unwrap_or(segment);
    if DEVICE_NAMES
        .iter()
        .any(|d| d.eq_ignore_ascii_case(stem.trim_end()))
    {
        return Some("it names a Windows device");
    }
    None
}

/// The name an install-relative path takes inside an inner ZIP: forward slashes, no leading
/// slash.
pub fn to_entry_name(relative: &str) -> String {
    relative
        .replace('\\', "/")
        .trim_start_matches('/')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn install_relative_paths_are_safe() {
        for name in [
            "Handlers/Custom/MyHandler.ihd",
            "Resources/Prompts/en-US/welcome.wav",
            "Resources/",
            "a b/c-d_e.f.txt",
            "Übersicht/ünïcode.txt",
        ] {
            assert_eq!(unsafe_reason(name), None, "{name}");
        }
    }

    #[test]
    fn escaping_names_are_refused() {
        for name in [
            "",
            "/",
            "../evil.txt",
            "a/../../evil.txt",
            "a/./b",
            "/etc/passwd",
            "C:/Windows/evil.dll",
            "C:evil",
            "\\\\server\\share\\evil",
            "a\\..\\..\\evil",
            "a//b",
            "file.txt:stream",
            "CON",
            "a/nul.txt",
            "com1.log",
            "trailing./x",
            "trailing /x",
            "tab\there",
            "what?.txt",
        ] {
            assert!(unsafe_reason(name).is_some(), "{name:?} passed");
        }
        assert!(unsafe_reason(&"a/".repeat(600)).is_some());
    }

    #[test]
    fn windows_separators_become_slashes() {
        assert_eq!(to_entry_name("\\Handlers\\x.ihd"), "Handlers/x.ihd");
    }
}
