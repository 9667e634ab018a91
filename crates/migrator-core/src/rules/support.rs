//! Small helpers the rules share: whole-name matching and rewriting inside text, reading and
//! writing string values while keeping their registry type, and locating incoming files.
//!
//! Matching is always on whole names: a host name, one element of a backslash path, or a
//! whole value. A name inside other text ("Calliope Smith") is never rewritten; the scan for
//! unresolved names reports it instead.

use crate::incoming::{Destination, Incoming, IncomingFile};
use crate::layout;
use crate::registry::{decode_multi_sz, decode_sz, encode_multi_sz, encode_sz, is_within};
use crate::registry::{Key, Value, ValueType};

use super::context::same;

/// The new name of `text` when, as a whole, it is one of the old names.
pub fn rename_exact(text: &str, renames: &[(String, String)]) -> Option<String> {
    renames
        .iter()
        .find(|(old, _)| same(text, old))
        .map(|(_, new)| new.clone())
}

/// The new name of a host name: the whole name, or the first label of a fully qualified name
/// (`calliope.corp.local` becomes `helios.corp.local`).
pub fn rename_host(host: &str, renames: &[(String, String)]) -> Option<String> {
    if let Some(new) = rename_exact(host, renames) {
        return Some(new);
    }
    let (first, domain) = host.split_once('.')?;
    rename_exact(first, renames).map(|new| format!("{new}.{domain}"))
}

/// Rewrites the host of UNC paths (`\\calliope\share\...`); several paths may be separated
/// by semicolons.
pub fn rewrite_unc(text: &str, renames: &[(String, String)]) -> Option<String> {
    rewrite_parts(text, ';', |part| {
        let rest = part.strip_prefix("\\\\")?;
        let (host, tail) = rest.split_at(rest.find('\\').unwrap_or(rest.len()));
        rename_host(host, renames).map(|new| format!("\\\\{new}{tail}"))
    })
}

/// Rewrites the host of a URL (`http://calliope:8018/icws` becomes `http://helios:8018/icws`).
pub fn rewrite_url(text: &str, renames: &[(String, String)]) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.');
    if scheme.is_empty() || !scheme.chars().all(plain) {
        return None;
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let user_end = rest[..authority_end].rfind('@').map_or(0, |at| at + 1);
    let host_end = rest[user_end..authority_end]
        .find(':')
        .map_or(authority_end, |colon| user_end + colon);
    let new = rename_host(&rest[user_end..host_end], renames)?;
    Some(format!(
        "{scheme}://{}{new}{}",
        &rest[..user_end],
        &rest[host_end..]
    ))
}

/// Rewrites the site and server elements of a Directory Services path such as
/// `\Indy\Production\calliope\AttendantData`: the element before `Production` is a site, the
/// element after it a server.
pub fn rewrite_ds_path(
    text: &str,
    sites: &[(String, String)],
    servers: &[(String, String)],
) -> Option<String> {
    let mut parts: Vec<String> = text.split('\\').map(str::to_string).collect();
    let mut changed = false;
    for index in 0..parts.len() {
        if !same(&parts[index], layout::PRODUCTION_ELEMENT) {
            continue;
        }
        if index > 0 {
            if let Some(new) = rename_exact(&parts[index - 1], sites) {
                parts[index - 1] = new;
                changed = true;
            }
        }
        if let Some(next) = parts.get_mut(index + 1) {
            if let Some(new) = rename_exact(next, servers) {
                *next = new;
                changed = true;
            }
        }
    }
    changed.then(|| parts.join("\\"))
}

/// Replaces the install root at the start of a path (`D:\I3\IC\Mail` becomes `C:\I3\IC\Mail`
/// when the target is installed in `C:\I3\IC`).
pub fn rewrite_install_root(text: &str, old_root: &str, new_root: &str) -> Option<String> {
    let old_root = old_root.trim_end_matches('\\');
    let new_root = new_root.trim_end_matches('\\');
    if old_root.is_empty() || same(old_root, new_root) {
        return None;
    }
    let head = text.get(..old_root.len())?;
    let tail = &text[old_root.len()..];
    (same(head, old_root) && (tail.is_empty() || tail.starts_with('\\')))
        .then(|| format!("{new_root}{tail}"))
}

/// Replaces the element that follows `anchor` in a backslash path, when `rename` gives it a
/// new name.
pub fn rewrite_element_after(
    text: &str,
    anchor: &str,
    rename: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut parts: Vec<String> = text.split('\\').map(str::to_string).collect();
    let mut changed = false;
    for index in 1..parts.len() {
        if same(&parts[index - 1], anchor) {
            if let Some(new) = rename(&parts[index]) {
                parts[index] = new;
                changed = true;
            }
        }
    }
    changed.then(|| parts.join("\\"))
}

fn rewrite_parts(
    text: &str,
    separator: char,
    rewrite: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    let mut changed = false;
    let parts: Vec<String> = text
        .split(separator)
        .map(|part| match rewrite(part) {
            Some(new) => {
                changed = true;
                new
            }
            None => part.to_string(),
        })
        .collect();
    changed.then(|| parts.join(&separator.to_string()))
}

/// Whether `name` occurs in `text` as a whole word, without regard to case: not preceded or
/// followed by a letter, a digit or `-`. An underscore separates words, as in `IMS_mars`, an
/// account named after the server.
pub fn contains_name(text: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    if text.is_ascii() && name.is_ascii() {
        return contains_ascii_name(text.as_bytes(), name.as_bytes());
    }
    let (text, name) = (text.to_lowercase(), name.to_lowercase());
    let is_name_char = |c: char| c.is_alphanumeric() || c == '-';
    text.match_indices(&name).any(|(start, _)| {
        let before = text[..start].chars().next_back();
        let after = text[start + name.len()..].chars().next();
        !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
    })
}

/// [`contains_name`] for ASCII text and name, without lower-casing copies: the same matches,
/// left to right and not overlapping.
fn contains_ascii_name(text: &[u8], name: &[u8]) -> bool {
    let is_name_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'-';
    let mut start = 0;
    while start + name.len() <= text.len() {
        let end = start + name.len();
        if !text[start..end].eq_ignore_ascii_case(name) {
            start += 1;
            continue;
        }
        let before = start.checked_sub(1).and_then(|i| text.get(i));
        if !before.is_some_and(is_name_byte) && !text.get(end).is_some_and(is_name_byte) {
            return true;
        }
        start = end;
    }
    false
}

/// Rewrites each string of a REG_SZ, REG_EXPAND_SZ or REG_MULTI_SZ value; returns whether
/// anything changed. Other types are left alone.
pub fn rewrite_strings(value: &mut Value, rewrite: impl Fn(&str) -> Option<String>) -> bool {
    match value.kind() {
        ValueType::Sz | ValueType::ExpandSz => {
            let Some(new) = decode_sz(value.data()).and_then(|text| rewrite(&text)) else {
                return false;
            };
            value.set(value.kind(), encode_sz(&new));
            true
        }
        ValueType::MultiSz => {
            let Some(items) = decode_multi_sz(value.data()) else {
                return false;
            };
            let mut changed = false;
            let items: Vec<String> = items
                .into_iter()
                .map(|item| match rewrite(&item) {
                    Some(new) => {
                        changed = true;
                        new
                    }
                    None => item,
                })
                .collect();
            if changed {
                value.set(ValueType::MultiSz, encode_multi_sz(&items));
            }
            changed
        }
        _ => false,
    }
}

/// The strings of a value: its text, or the items of a REG_MULTI_SZ. Empty for other types.
pub fn strings_of(value: &Value) -> Vec<String> {
    value.as_strings().unwrap_or_default()
}

/// The first string of a value of `key`, for attributes stored as REG_SZ or REG_MULTI_SZ.
pub fn first_string(key: &Key, name: &str) -> Option<String> {
    key.value(name)
        .and_then(Value::as_strings)
        .and_then(|items| items.into_iter().next())
}

/// Sets a string value to `text`, keeping the registry type of the value it replaces
/// (REG_MULTI_SZ becomes a one-item list). A new value is written as REG_SZ.
pub fn set_text(key: &mut Key, name: &str, text: &str) {
    let value = match key.value(name).map(Value::kind) {
        Some(ValueType::MultiSz) => Value::multi_sz(name, &[text]),
        Some(ValueType::ExpandSz) => Value::expand_sz(name, text),
        _ => Value::sz(name, text),
    };
    key.set_value(value);
}

/// The install-relative form (`\`-separated) of an archive path.
pub fn install_relative(archive_path: &str) -> String {
    archive_path.replace('/', "\\")
}

/// The rest of an install-relative path below the folder `dir`, when it lies inside it.
pub fn below<'p>(path: &'p str, dir: &str) -> Option<&'p str> {
    let head = path.get(..dir.len())?;
    let rest = path[dir.len()..].strip_prefix(['\\', '/'])?;
    same(head, dir).then_some(rest)
}

/// Where a file lands: its install-relative destination, or its archive path when it does
/// not land in the install tree.
pub fn landing_path(file: &IncomingFile) -> String {
    match &file.destination {
        Destination::Install(path) => path.clone(),
        _ => install_relative(&file.archive_path),
    }
}

/// The last element of a Windows or archive path.
pub fn file_name(path: &str) -> &str {
    path.rsplit(['\\', '/']).next().unwrap_or(path)
}

/// The path of a value, as the rule log and exclusions write it: `KEY@NAME`.
pub fn value_path(key: &str, name: &str) -> String {
    let mut path = String::with_capacity(key.len() + 1 + name.len());
    path.push_str(key);
    path.push('@');
    path.push_str(name);
    path
}

/// Whether the registry path (a key, or a value as `KEY@NAME`) is excluded from the import by
/// a rule.
pub fn is_excluded(incoming: &Incoming, path: &str) -> bool {
    incoming
        .excluded
        .iter()
        .any(|(excluded, _)| is_within(path, excluded))
}

/// Excludes a registry path once.
pub fn exclude(incoming: &mut Incoming, path: String, rule: &'static str) {
    if !incoming.excluded.iter().any(|(p, _)| same(p, &path)) {
        incoming.excluded.push((path, rule));
    }
}

/// The names of the direct subkeys of the key at `path`.
pub fn subkey_names(incoming: &Incoming, path: &str) -> Vec<String> {
    incoming
        .tree
        .find(path)
        .map(|key| key.subkeys().map(|k| k.name().to_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// ASCII text is searched without lower-cased copies; the matches are those of the
        /// lower-cased text (a non-ASCII character of the name takes the general path).
        #[test]
        fn ascii_names_are_found_as_in_lower_cased_text(
            text in "[aAb_ .-]{0,12}",
            name in "[aAbé-]{1,3}",
        ) {
            let (lower, needle) = (text.to_lowercase(), name.to_lowercase());
            let is_name_char = |c: char| c.is_alphanumeric() || c == '-';
            let expected = lower.match_indices(&needle).any(|(start, _)| {
                let before = lower[..start].chars().next_back();
                let after = lower[start + needle.len()..].chars().next();
                !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char)
            });
            proptest::prop_assert_eq!(contains_name(&text, &name), expected);
        }
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn unc_hosts_are_renamed_as_whole_host_names() {
        let servers = pairs(&[("calliope", "helios")]);
        let rewrite = |text: &str| rewrite_unc(text, &servers);
        assert_eq!(
            rewrite("\\\\Calliope\\mail").as_deref(),
            Some("\\\\helios\\mail")
        );
        assert_eq!(
            rewrite("\\\\calliope.corp.local\\x;\\\\other\\y").as_deref(),
            Some("\\\\helios.corp.local\\x;\\\\other\\y")
        );
        assert_eq!(rewrite("\\\\calliope2\\mail"), None);
        assert_eq!(rewrite("Calliope Smith"), None);
    }

    #[test]
    fn url_hosts_are_renamed() {
        let servers = pairs(&[("calliope", "helios")]);
        let rewrite = |text: &str| rewrite_url(text, &servers);
        assert_eq!(
            rewrite("http://calliope:8018/icws").as_deref(),
            Some("http://helios:8018/icws")
        );
        assert_eq!(
            rewrite("https://svc@Calliope.corp/x?calliope").as_deref(),
            Some("https://svc@helios.corp/x?calliope")
        );
        assert_eq!(rewrite("https://crm.example.com/calliope"), None);
        assert_eq!(rewrite("not a url: calliope"), None);
    }

    #[test]
    fn ds_paths_rename_the_elements_around_production() {
        let sites = pairs(&[("Indy", "Chicago")]);
        let servers = pairs(&[("calliope", "helios")]);
        assert_eq!(
            rewrite_ds_path(
                "\\Indy\\Production\\calliope\\AttendantData",
                &sites,
                &servers
            )
            .as_deref(),
            Some("\\Chicago\\Production\\helios\\AttendantData")
        );
        assert_eq!(
            rewrite_ds_path("\\Indy\\Attendant\\calliope", &sites, &servers),
            None
        );
    }

    #[test]
    fn install_roots_are_replaced_on_element_boundaries() {
        let rewrite = |text: &str| rewrite_install_root(text, "D:\\I3\\IC", "C:\\I3\\IC");
        assert_eq!(
            rewrite("d:\\i3\\ic\\Mail").as_deref(),
            Some("C:\\I3\\IC\\Mail")
        );
        assert_eq!(rewrite("D:\\I3\\ICX\\Mail"), None);
        assert_eq!(
            rewrite_install_root("C:\\I3\\IC\\x", "C:\\I3\\IC", "c:\\i3\\ic"),
            None
        );
    }

    #[test]
    fn names_are_found_as_whole_words_only() {
        assert!(contains_name("Calliope Smith", "calliope"));
        assert!(contains_name("\\\\CALLIOPE\\share", "calliope"));
        assert!(!contains_name("calliope-b", "calliope"));
        assert!(contains_name("IMS_calliope", "calliope"));
        assert!(!contains_name("Indyanapolis", "Indy"));
        assert!(contains_name("Site Indy.", "indy"));
    }

    #[test]
    fn rewriting_keeps_the_value_type() {
        let mut value = Value::multi_sz("m", &["a", "calliope"]);
        let servers = pairs(&[("calliope", "helios")]);
        assert!(rewrite_strings(&mut value, |t| rename_exact(t, &servers)));
        assert_eq!(value.kind(), ValueType::MultiSz);
        assert_eq!(value.as_strings().unwrap(), ["a", "helios"]);
        let mut number = Value::dword("d", 7);
        assert!(!rewrite_strings(&mut number, |_| Some("x".into())));
    }
}
