//! Rule `client-buttons-icons`: in both modes, the icon files of client buttons are copied to
//! the target's resources folder and each button whose icon is there gets `Valid Icon` = Yes,
//! which tells Interaction Administrator that the icon was imported.

use super::support::{file_name, first_string, landing_path, set_text, value_path};
use super::{components, Components, Rule, RuleContext, BOTH, CIC};
use crate::error::Result;
use crate::incoming::{Destination, Incoming, RuleLog};
use crate::layout;
use crate::registry::join;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "client-buttons-icons";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "copies button icons to the target's resources folder and sets Valid Icon to \
                  Yes",
    components: Components::Named(&[components::CLIENT_BUTTONS]),
    kinds: CIC,
    modes: BOTH,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let mut icons = Vec::new();
    for file in &mut incoming.files {
        let name = file_name(&landing_path(file)).to_string();
        let to = format!("{}\\{name}", layout::BUTTON_ICONS_DIR);
        if file.destination != Destination::Install(to.clone()) {
            file.destination = Destination::Install(to.clone());
            log.change(
                &incoming.component,
                &to,
                NAME,
                "icon copied to the resources folder".into(),
            );
        }
        icons.push(name);
    }
    let container_path = ctx.incoming_path(layout::CLIENT_BUTTONS);
    let Some(container) = incoming.tree.find_mut(&container_path) else {
        return Ok(());
    };
    for button in container.subkeys_mut() {
        let Some(icon) = first_string(button, layout::ICON_FILE_VALUE) else {
            continue;
        };
        let icon = file_name(&icon).to_string();
        let path = join(&container_path, button.name());
        let on_target = ctx
            .target_install_dir
            .join(layout::file_path(layout::BUTTON_ICONS_DIR))
            .join(&icon)
            .is_file();
        if !on_target && !icons.iter().any(|name| same(name, &icon)) {
            let detail = format!("icon {icon} is neither in the archive nor on the target");
            log.change(&incoming.component, &path, NAME, detail);
            continue;
        }
        let valid = first_string(button, layout::VALID_ICON_VALUE);
        if !valid.is_some_and(|text| text.eq_ignore_ascii_case("yes")) {
            set_text(button, layout::VALID_ICON_VALUE, "Yes");
            log.change(
                &incoming.component,
                &value_path(&path, layout::VALID_ICON_VALUE),
                NAME,
                format!("Valid Icon set to Yes ({icon})"),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn icons_go_to_resources_and_buttons_become_valid_in_both_modes() {
        let fx = Fixture::new();
        for (ctx, site, server) in [
            (fx.migration(), "Chicago", "helios"),
            (fx.recovery(), "Indy", "calliope"),
        ] {
            let mut buttons =
                fixtures::incoming("Client Buttons", &fx.source_tree, &[layout::CLIENT_BUTTONS]);
            fx.file(&mut buttons, "Resources/ButtonIcons/crm.ico", b"icon");
            let mut log = RuleLog::default();
            super::super::apply_all(&ctx, std::slice::from_mut(&mut buttons), &mut log).unwrap();
            assert_eq!(
                buttons.files[0].destination,
                Destination::Install("Resources\\crm.ico".into())
            );
            let container = fixtures::path(site, server, layout::CLIENT_BUTTONS);
            let valid = |button: &str| {
                buttons
                    .tree
                    .find(&join(&container, button))
                    .and_then(|key| key.text(layout::VALID_ICON_VALUE))
            };
            assert_eq!(valid("CRM Lookup").as_deref(), Some("Yes"));
            assert_eq!(valid("Wiki").as_deref(), Some("No"), "wiki.ico is nowhere");
            let details: Vec<&str> = log.changes_by(NAME).map(|c| c.detail.as_str()).collect();
            assert_eq!(
                details,
                [
                    "icon copied to the resources folder",
                    "Valid Icon set to Yes (crm.ico)",
                    "icon wiki.ico is neither in the archive nor on the target",
                ]
            );
        }
    }

    #[test]
    fn an_icon_already_on_the_target_makes_the_button_valid() {
        let fx = Fixture::new();
        fx.target_file("Resources/wiki.ico", b"icon");
        let mut buttons =
            fixtures::incoming("Client Buttons", &fx.source_tree, &[layout::CLIENT_BUTTONS]);
        let mut log = RuleLog::default();
        super::super::apply_all(
            &fx.migration(),
            std::slice::from_mut(&mut buttons),
            &mut log,
        )
        .unwrap();
        let wiki = join(
            &fixtures::path("Chicago", "helios", layout::CLIENT_BUTTONS),
            "Wiki",
        );
        assert_eq!(
            buttons
                .tree
                .find(&wiki)
                .unwrap()
                .text(layout::VALID_ICON_VALUE)
                .as_deref(),
            Some("Yes")
        );
    }
}
