//! Rule `handlers-extract-only`: custom handler files stay in the extraction folder, never go
//! into the server's handler folders and are never published; the handler registrations held
//! in Directory Services are not imported, since publishing re-creates them. Localized
//! handlers of language packs follow the same rule. The checklist lists the handlers to
//! publish.

use super::support::{exclude, install_relative};
use super::{components, Components, Rule, RuleContext, BOTH, CIC};
use crate::checklist::{self, Step};
use crate::error::Result;
use crate::incoming::{Destination, Incoming, RuleLog};
use crate::layout;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "handlers-extract-only";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "keeps custom handlers in the extraction folder (never published) and leaves \
                  out handler registrations",
    components: Components::Named(&[
        components::HANDLERS,
        components::IP_HANDLERS,
        components::SERVER_IP,
        components::LANGUAGE_PACKS,
    ]),
    kinds: CIC,
    modes: BOTH,
    apply,
};

/// The extension of handler files.
pub const HANDLER_EXTENSION: &str = ".ihd";

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let every_file = same(&incoming.component, components::HANDLERS);
    let mut handlers = Vec::new();
    for file in &mut incoming.files {
        if !every_file && !is_handler(&file.archive_path) {
            continue;
        }
        file.destination = Destination::ExtractOnly;
        let path = install_relative(&file.archive_path);
        let detail = "kept in the extraction folder: publish it by hand";
        log.change(&incoming.component, &path, NAME, detail.to_string());
        if path.to_ascii_lowercase().ends_with(HANDLER_EXTENSION) {
            handlers.push(path);
        }
    }
    let registrations = ctx.incoming_path(layout::HANDLER_REGISTRATIONS);
    if incoming.tree.find(&registrations).is_some() {
        exclude(incoming, registrations.clone(), NAME);
        let detail = "handler registrations are not imported: publishing re-creates them";
        log.change(
            &incoming.component,
            &registrations,
            NAME,
            detail.to_string(),
        );
    }
    if !handlers.is_empty() {
        checklist::note(log, Step::PublishHandlers, handlers);
    }
    Ok(())
}

/// Whether a file of another component is a handler: a `.ihd` file or anything in a
/// `Handlers` folder.
fn is_handler(archive_path: &str) -> bool {
    let lower = archive_path.to_ascii_lowercase().replace('\\', "/");
    lower.ends_with(HANDLER_EXTENSION) || lower.split('/').any(|part| part == "handlers")
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn handlers_stay_in_the_extraction_folder_in_both_modes() {
        let fx = Fixture::new();
        for ctx in [fx.migration(), fx.recovery()] {
            let mut handlers = Incoming::new("Handlers");
            fx.file(&mut handlers, "Handlers/Custom/CustomLogin.ihd", b"handler");
            fx.file(&mut handlers, "Handlers/Custom/Sub/Helper.ihd", b"handler");
            fx.file(&mut handlers, "Handlers/Custom/readme.txt", b"notes");
            let mut log = RuleLog::default();
            super::super::apply_all(&ctx, std::slice::from_mut(&mut handlers), &mut log).unwrap();
            assert!(handlers
                .files
                .iter()
                .all(|f| f.destination == Destination::ExtractOnly));
            let step = log
                .checklist
                .iter()
                .find(|s| s.id == "publish-handlers")
                .unwrap();
            assert_eq!(
                step.items,
                [
                    "Handlers\\Custom\\CustomLogin.ihd",
                    "Handlers\\Custom\\Sub\\Helper.ihd"
                ]
            );
            assert_eq!(log.rule_for("Handlers\\Custom\\readme.txt"), Some(NAME));
        }
    }

    #[test]
    fn handler_registrations_are_excluded() {
        let fx = Fixture::new();
        let mut server_ip = fixtures::incoming(
            "calliope\\IP",
            &fx.source_tree,
            &[layout::SERVER_IP, layout::HANDLER_REGISTRATIONS],
        );
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut server_ip),
            &mut log,
        )
        .unwrap();
        let registrations = fixtures::path("Chicago", "helios", layout::HANDLER_REGISTRATIONS);
        assert_eq!(server_ip.excluded, [(registrations.clone(), NAME)]);
        let initiators = fixtures::path("Chicago", "helios", layout::SERVER_IP);
        assert!(server_ip
            .tree
            .find(&format!("{initiators}\\Initiators"))
            .is_some());
    }

    #[test]
    fn localized_handlers_of_language_packs_follow_the_rule() {
        let fx = Fixture::new();
        let mut packs = Incoming::new("Language Packs");
        fx.file(&mut packs, "Handlers/fr-fr/CustomLogin.ihd", b"handler");
        fx.file(&mut packs, "Resources/Prompts/fr-fr/hello.wav", b"RIFF");
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), std::slice::from_mut(&mut packs), &mut log)
            .unwrap();
        assert_eq!(packs.files[0].destination, Destination::ExtractOnly);
        assert_eq!(
            packs.files[1].destination,
            Destination::Install("Resources\\Prompts\\fr-fr\\hello.wav".into())
        );
    }
}
