//! Which of an archive's components an import takes: `all`, or the names the user typed,
//! closed under the catalog's pull rules (AdminConfig brings Users and Workstations, ...).
//!
//! Names are matched without regard to case, by the archive's spelling, the catalog's name
//! (`<SERVER>\IP` for the archive's `calliope\IP`) or an alias. A pulled-in component that the
//! archive does not hold is reported, not an error.

use crate::catalog::{self, Component, Reason, Scope};
use crate::error::{Error, ErrorKind, Result};
use crate::text;

use super::order;
use super::source::Origin;

/// Which components to import, as the user said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nodes {
    /// Every component of the archive.
    All,
    /// These, matched without regard to case.
    Only(Vec<String>),
}

impl Nodes {
    /// Reads `all` or a comma-separated list such as `Users, Workgroups`.
    pub fn parse(text: &str) -> Nodes {
        if text.trim().eq_ignore_ascii_case("all") {
            return Nodes::All;
        }
        let names = text
            .split(',')
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty())
            .collect();
        Nodes::Only(names)
    }
}

/// The components an import takes, in the archive's spelling, with notes on those added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Chosen {
    /// The components, chosen ones first, then those pulled in.
    pub components: Vec<String>,
    /// What was added and why, and what could not be added.
    pub notes: Vec<String>,
}

/// Resolves `nodes` against the archive described by `origin`.
///
/// # Errors
///
/// `ErrorKind::Usage` for a name the archive does not hold, or a list naming nothing.
pub fn choose(origin: &Origin, nodes: &Nodes) -> Result<Chosen> {
    let Nodes::Only(names) = nodes else {
        return Ok(Chosen {
            components: origin.components.clone(),
            notes: Vec::new(),
        });
    };
    if names.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "--nodes names no component")
            .with_hint("Give `all` or names separated by commas, such as \"Users, Workgroups\"."));
    }
    let mut chosen = Chosen::default();
    let mut wrong = Vec::new();
    for name in names {
        match in_archive(origin, name) {
            Some(found) if !chosen.components.contains(&found) => chosen.components.push(found),
            Some(_) => {}
            None => wrong.push(name.as_str()),
        }
    }
    if !wrong.is_empty() {
        return Err(missing(origin, &wrong));
    }
    pull_in(origin, &mut chosen);
    Ok(chosen)
}

/// The archive's spelling of the component the user called `name`.
fn in_archive(origin: &Origin, name: &str) -> Option<String> {
    let wanted = order::lookup(name);
    origin
        .components
        .iter()
        .find(|held| {
            held.eq_ignore_ascii_case(name)
                || wanted.is_some_and(|w| order::lookup(held).is_some_and(|h| std::ptr::eq(w, h)))
        })
        .cloned()
}

/// One error naming every name the archive does not hold, so that all are fixed at once, each
/// with the archive's closest name when it looks like a typing error.
fn missing(origin: &Origin, names: &[&str]) -> Error {
    if names.iter().any(|name| name.eq_ignore_ascii_case("all")) {
        return Error::new(
            ErrorKind::Usage,
            "--nodes all names every component on its own",
        )
        .with_hint("Give either `all` or a list of component names.");
    }
    let quoted: Vec<String> = names
        .iter()
        .map(|name| match closest(origin, name) {
            Some(near) => format!("{name:?} (did you mean {near:?}?)"),
            None => format!("{name:?}"),
        })
        .collect();
    let message = match quoted.as_slice() {
        [one] => format!("the archive has no component {one}"),
        many => format!("the archive has no components {}", many.join(", ")),
    };
    Error::new(ErrorKind::Usage, message).with_hint(format!(
        "Choose among the components it holds: {}.",
        origin.components.join(", ")
    ))
}

/// The archive's component name closest to `typed`, when it is close enough to be a typo.
fn closest<'a>(origin: &'a Origin, typed: &str) -> Option<&'a str> {
    let candidates = origin
        .components
        .iter()
        .map(|name| (name.to_lowercase(), name.as_str()));
    text::closest(&typed.to_lowercase(), candidates)
}

/// Adds what the pull rules require, noting each addition with its reason.
fn pull_in(origin: &Origin, chosen: &mut Chosen) {
    let known: Vec<&'static Component> = chosen
        .components
        .iter()
        .filter_map(|name| order::lookup(name))
        .collect();
    let scope = Scope {
        kind: Some(origin.kind),
        version: Some(origin.cic_version),
        server: Some(origin.server.clone()),
    };
    for entry in catalog::close(known, &scope).entries {
        let Reason::PulledIn { by, reason } = entry.reason else {
            continue;
        };
        match in_archive(origin, entry.component.name) {
            Some(name) if chosen.components.contains(&name) => {}
            Some(name) => {
                chosen
                    .notes
                    .push(format!("added {name}: {reason} (pulled in by {by})"));
                chosen.components.push(name);
            }
            None => chosen.notes.push(format!(
                "{by} pulls in {}, which the archive does not hold: {reason}",
                entry.name
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(components: &[&str]) -> Origin {
        crate::import::fixture::calliope_origin(components, "")
    }

    #[test]
    fn names_match_in_any_case_and_by_catalog_name() {
        let origin = origin(&["Users", "Workgroups", "calliope\\IP", "IP\\Handlers"]);
        let chosen = choose(&origin, &Nodes::parse("users, <server>\\ip")).unwrap();
        assert_eq!(
            chosen.components,
            ["Users", "calliope\\IP", "Workgroups", "IP\\Handlers"]
        );
        assert_eq!(chosen.notes.len(), 2, "{:?}", chosen.notes);
        assert!(chosen.notes[0].starts_with("added Workgroups: "));
    }

    #[test]
    fn an_unknown_name_lists_what_the_archive_holds() {
        let origin = origin(&["Users", "Workgroups"]);
        let error = choose(&origin, &Nodes::parse("Lines")).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Usage);
        assert!(error.hint().unwrap().contains("Users, Workgroups"));
        let all = choose(&origin, &Nodes::All).unwrap();
        assert_eq!(all.components, ["Users", "Workgroups"]);
    }

    #[test]
    fn every_unknown_name_is_named_at_once() {
        let origin = origin(&["Users", "Workgroups"]);
        let error = choose(&origin, &Nodes::parse("Lines, users, Wrkgroups")).unwrap_err();
        assert_eq!(
            error.message(),
            "the archive has no components \"Lines\", \"Wrkgroups\" (did you mean \
             \"Workgroups\"?)"
        );
        let error = choose(&origin, &Nodes::parse("all, Users")).unwrap_err();
        assert!(
            error.message().contains("on its own"),
            "{}",
            error.message()
        );
    }

    #[test]
    fn a_pulled_in_component_missing_from_the_archive_is_noted() {
        let origin = origin(&["AdminConfig", "Users"]);
        let chosen = choose(&origin, &Nodes::parse("AdminConfig")).unwrap();
        assert_eq!(chosen.components, ["AdminConfig", "Users"]);
        assert!(
            chosen.notes.iter().any(|n| n.contains("Workstations")),
            "{:?}",
            chosen.notes
        );
    }
}
