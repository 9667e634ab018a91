//! Rule `data-sources-custom-only`: in Migration mode the default data sources (those setup
//! creates, marked `Default` = Yes) are not imported, nor their UDL files: the target's own
//! stay. Custom data sources are imported. Recovery mode imports both, as they were.

use super::support::{below, exclude, file_name, first_string, landing_path};
use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::error::Result;
use crate::incoming::{Destination, Incoming, RuleLog};
use crate::layout;
use crate::registry::join;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "data-sources-custom-only";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "leaves out the default data sources and their UDL files; imports custom ones",
    components: Components::Named(&[components::DATA_SOURCES]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let container_path = ctx.incoming_path(layout::DATA_SOURCES);
    let Some(container) = incoming.tree.find(&container_path) else {
        return Ok(());
    };
    let defaults: Vec<(String, String)> = container
        .subkeys()
        .filter(|key| {
            first_string(key, layout::DATA_SOURCE_DEFAULT)
                .is_some_and(|flag| flag.eq_ignore_ascii_case("yes"))
        })
        .map(|key| {
            let udl = first_string(key, layout::DATA_SOURCE_UDL)
                .map(|path| file_name(&path).to_string())
                .unwrap_or_else(|| format!("{}.udl", key.name()));
            (key.name().to_string(), udl)
        })
        .collect();
    for (name, udl) in &defaults {
        let path = join(&container_path, name);
        exclude(incoming, path.clone(), NAME);
        let detail = "default data source: the target keeps its own";
        log.change(&incoming.component, &path, NAME, detail.to_string());
        skip_udl(incoming, udl, log);
    }
    Ok(())
}

fn skip_udl(incoming: &mut Incoming, udl: &str, log: &mut RuleLog) {
    for file in &mut incoming.files {
        let path = landing_path(file);
        let in_udl_dir = below(&path, layout::UDL_DIR).is_some();
        if in_udl_dir && same(file_name(&path), udl) {
            file.destination = Destination::Skip;
            let detail = "UDL file of a default data source: the target keeps its own";
            log.change(&incoming.component, &path, NAME, detail.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    fn data_sources(fx: &Fixture) -> Incoming {
        let mut incoming =
            fixtures::incoming("Data Sources", &fx.source_tree, &[layout::DATA_SOURCES]);
        fx.file(&mut incoming, "Server/UDL/I3_IC.udl", b"[oledb]");
        fx.file(&mut incoming, "Server/UDL/CRM.udl", b"[oledb]");
        incoming
    }

    #[test]
    fn migration_imports_custom_data_sources_only() {
        let fx = Fixture::new();
        let mut incoming = data_sources(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut incoming),
            &mut log,
        )
        .unwrap();
        let default = join(
            &fixtures::path("Chicago", "helios", layout::DATA_SOURCES),
            "I3_IC",
        );
        assert_eq!(incoming.excluded, [(default, NAME)]);
        let destinations: Vec<&Destination> =
            incoming.files.iter().map(|f| &f.destination).collect();
        assert_eq!(
            destinations,
            [
                &Destination::Skip,
                &Destination::Install("Server\\UDL\\CRM.udl".into())
            ]
        );
    }

    #[test]
    fn recovery_imports_default_data_sources_too() {
        let fx = Fixture::new();
        let mut incoming = data_sources(&fx);
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.recovery(),
            std::slice::from_mut(&mut incoming),
            &mut log,
        )
        .unwrap();
        assert!(incoming.excluded.is_empty());
        assert!(incoming
            .files
            .iter()
            .all(|f| matches!(f.destination, Destination::Install(_))));
    }
}
