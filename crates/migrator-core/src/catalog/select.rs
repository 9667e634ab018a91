//! From what a user typed to a closed selection of components.
//!
//! Names are matched without regard to case or spacing (`"users,  ip phones"`), by catalog
//! name, by alias, and for `<SERVER>\IP` by the real server name too. The selection is then
//! closed under the pull rules of [`table::PULLS`](super::table::PULLS), each pulled-in
//! component keeping the component and the reason that pulled it in.

use serde::Serialize;

use super::Component;
use crate::error::{Error, ErrorKind, Result};
use crate::server::{Identity, ServerKind};
use crate::text;
use crate::version::CicVersion;

/// The server a selection is made for: which components exist and how `<SERVER>` reads.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// The server's kind; `None` means any.
    pub kind: Option<ServerKind>,
    /// The server's release; `None` means any.
    pub version: Option<CicVersion>,
    /// The server name that replaces `<SERVER>` in names.
    pub server: Option<String>,
}

impl Scope {
    /// The scope of a known server.
    pub fn of(identity: &Identity) -> Scope {
        Scope {
            kind: Some(identity.kind),
            version: Some(identity.version),
            server: Some(identity.server.clone()),
        }
    }

    /// Whether the component exists on servers of this scope.
    pub fn has(&self, component: &Component) -> bool {
        self.kind.is_none_or(|kind| component.kind == kind)
            && self
                .version
                .is_none_or(|version| component.versions.contains(version))
    }

    /// The components of this scope, in catalog order.
    pub fn components(&self) -> Vec<&'static Component> {
        super::all().iter().filter(|c| self.has(c)).collect()
    }

    /// The name of `component` as shown for this scope.
    pub fn display(&self, component: &Component) -> String {
        component.display_name(self.server.as_deref())
    }
}

/// Why a component is in a selection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "why", rename_all = "snake_case")]
pub enum Reason {
    /// The user chose it.
    Chosen,
    /// A pull rule added it.
    PulledIn {
        /// The component that pulled it in, as displayed.
        by: String,
        /// The rule's reason.
        reason: &'static str,
    },
}

/// One selected component.
#[derive(Clone, Debug)]
pub struct Selected {
    /// The component.
    pub component: &'static Component,
    /// Its name as displayed for the scope.
    pub name: String,
    /// Why it is selected.
    pub reason: Reason,
}

/// A closed selection, in catalog order.
#[derive(Clone, Debug)]
pub struct Selection {
    /// The selected components.
    pub entries: Vec<Selected>,
}

impl Selection {
    /// The components that pull rules added.
    pub fn pulled_in(&self) -> impl Iterator<Item = &Selected> {
        self.entries
            .iter()
            .filter(|entry| entry.reason != Reason::Chosen)
    }

    /// Whether the selection holds the component with this catalog name.
    pub fn contains(&self, name: &str) -> bool {
        self.entries
            .iter()
            .any(|entry| entry.component.name == name)
    }

    /// The entries in import order.
    pub fn in_import_order(&self) -> Vec<&Selected> {
        let mut entries: Vec<&Selected> = self.entries.iter().collect();
        entries.sort_by_key(|entry| entry.component.priority().0);
        entries
    }
}

/// Reads a `--nodes` value (`all`, or names separated by commas) and closes the selection.
///
/// # Errors
///
/// A name that matches no component of the scope (the message lists the valid names and
/// suggests the closest), and a value that names nothing.
pub fn select(spec: &str, scope: &Scope) -> Result<Selection> {
    let available = scope.components();
    let parts: Vec<&str> = spec
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.is_empty() {
        return Err(nothing_selected(spec));
    }
    if parts.len() == 1 && parts[0].eq_ignore_ascii_case("all") {
        return Ok(close(available, scope));
    }
    if parts.iter().any(|part| part.eq_ignore_ascii_case("all")) {
        return Err(Error::new(
            ErrorKind::Usage,
            format!("{spec:?}: `all` names every component on its own"),
        )
        .with_hint("Give either `all` or a list of component names."));
    }
    let mut chosen = Vec::new();
    let mut wrong = Vec::new();
    for part in parts {
        match find(part, scope, &available) {
            Ok(component) if !chosen.iter().any(|c: &&Component| c.name == component.name) => {
                chosen.push(component)
            }
            Ok(_) => {}
            Err(error) => wrong.push(error),
        }
    }
    match wrong.len() {
        0 => Ok(close(chosen, scope)),
        1 => Err(wrong.remove(0)),
        _ => Err(all_wrong(wrong)),
    }
}

/// One error for several wrong names, so that the user can fix them all at once.
fn all_wrong(errors: Vec<Error>) -> Error {
    let hint = errors[0].hint().map(str::to_string);
    let each: Vec<&str> = errors.iter().map(Error::message).collect();
    let error = Error::new(
        ErrorKind::Usage,
        format!(
            "{} component names are wrong: {}",
            errors.len(),
            each.join("; ")
        ),
    );
    match hint {
        Some(hint) => error.with_hint(hint),
        None => error,
    }
}

/// The component of `scope` that `name` names (catalog name, alias, or `<SERVER>\IP` with
/// the scope's server name), as the import reads the names an archive's manifest records.
///
/// # Errors
///
/// As [`select`] for an unknown name.
pub fn lookup(name: &str, scope: &Scope) -> Result<&'static Component> {
    find(name, scope, &scope.components())
}

/// Closes `chosen` under the pull rules, keeping only components of the scope.
pub fn close(chosen: Vec<&'static Component>, scope: &Scope) -> Selection {
    let mut reasons: Vec<(&'static Component, Reason)> =
        chosen.into_iter().map(|c| (c, Reason::Chosen)).collect();
    let mut next = 0;
    while next < reasons.len() {
        let puller = reasons[next].0;
        for rule in puller.pull_rules() {
            for &name in rule.pulls {
                let Some(pulled) = super::by_name(name) else {
                    continue;
                };
                if scope.has(pulled) && !reasons.iter().any(|(c, _)| c.name == name) {
                    let by = scope.display(puller);
                    let reason = rule.reason;
                    reasons.push((pulled, Reason::PulledIn { by, reason }));
                }
            }
        }
        next += 1;
    }
    let mut entries: Vec<Selected> = reasons
        .into_iter()
        .map(|(component, reason)| Selected {
            name: scope.display(component),
            component,
            reason,
        })
        .collect();
    entries.sort_by_key(|entry| catalog_index(entry.component));
    Selection { entries }
}

fn catalog_index(component: &Component) -> usize {
    super::all()
        .iter()
        .position(|c| std::ptr::eq(c, component))
        .unwrap_or(usize::MAX)
}

/// The form names are compared in: lower case, runs of spaces as one, no space around `\`.
fn normalize(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    words
        .join(" ")
        .replace(" \\", "\\")
        .replace("\\ ", "\\")
        .to_lowercase()
}

fn names_of(component: &Component, scope: &Scope) -> Vec<String> {
    let mut names = vec![component.name.to_string(), scope.display(component)];
    names.extend(component.aliases.iter().map(|alias| alias.to_string()));
    names.iter().map(|name| normalize(name)).collect()
}

fn find(
    typed: &str,
    scope: &Scope,
    available: &[&'static Component],
) -> Result<&'static Component> {
    let wanted = normalize(typed);
    if let Some(found) = available
        .iter()
        .find(|c| names_of(c, scope).contains(&wanted))
    {
        return Ok(found);
    }
    if let Some(elsewhere) = super::all()
        .iter()
        .find(|c| names_of(c, &Scope::default()).contains(&wanted))
    {
        return Err(not_on_this_server(typed, elsewhere, scope, available));
    }
    Err(unknown(typed, scope, available))
}

fn valid_names(scope: &Scope, available: &[&'static Component]) -> String {
    let names: Vec<String> = available.iter().map(|c| scope.display(c)).collect();
    names.join(", ")
}

fn unknown(typed: &str, scope: &Scope, available: &[&'static Component]) -> Error {
    let mut message = format!("unknown component {typed:?}");
    if let Some(closest) = closest(typed, scope, available) {
        message.push_str(&format!(": did you mean {closest:?}?"));
    }
    Error::new(ErrorKind::Usage, message).with_hint(format!(
        "Give `all` or names separated by commas from: {}.",
        valid_names(scope, available)
    ))
}

fn not_on_this_server(
    typed: &str,
    component: &Component,
    scope: &Scope,
    available: &[&'static Component],
) -> Error {
    let server = match (scope.kind, scope.version) {
        (Some(kind), Some(version)) => format!("{} at {version}", kind.with_article()),
        (Some(kind), None) => kind.with_article(),
        _ => "this server".to_string(),
    };
    Error::new(
        ErrorKind::Usage,
        format!(
            "component {typed:?} ({}) does not exist on {server}",
            component.name
        ),
    )
    .with_hint(format!("Choose among: {}.", valid_names(scope, available)))
}

fn nothing_selected(spec: &str) -> Error {
    Error::new(
        ErrorKind::Usage,
        format!("no component selected by {spec:?}"),
    )
    .with_hint("Give `all` or component names separated by commas; `migrator nodes` lists them.")
}

/// The displayed name closest to `typed`, when one is close enough to be a likely typo.
fn closest(typed: &str, scope: &Scope, available: &[&'static Component]) -> Option<String> {
    let candidates = available.iter().flat_map(|c| {
        let shown = scope.display(c);
        names_of(c, scope)
            .into_iter()
            .map(move |name| (name, shown.clone()))
    });
    text::closest(&normalize(typed), candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_ignores_case_and_spacing() {
        assert_eq!(normalize("  IP   Phones "), "ip phones");
        assert_eq!(normalize("calliope \\ IP"), "calliope\\ip");
    }
}
