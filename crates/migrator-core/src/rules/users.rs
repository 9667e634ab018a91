//! Rule `users-home-site-and-status`: in Migration mode each user's Home Site becomes the
//! target's site, and when the archive's release kept user status in the user entry while
//! the target's keeps it under Live Data, the status is converted to the Live Data form and
//! moved there.

use super::support::{first_string, set_text, strings_of};
use super::{components, Components, Rule, RuleContext, CIC, MIGRATION};
use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::registry::{join, Value};
use crate::version::Feature;

use super::context::same;

/// The rule's name.
pub const NAME: &str = "users-home-site-and-status";

/// The rule's entry in the table.
pub const RULE: Rule = Rule {
    name: NAME,
    description: "sets each user's Home Site to the target's site and moves user status to Live \
                  Data in the target's format",
    components: Components::Named(&[components::USERS]),
    kinds: CIC,
    modes: MIGRATION,
    apply,
};

fn apply(ctx: &RuleContext, incoming: &mut Incoming, log: &mut RuleLog) -> Result<()> {
    let users_path = ctx.incoming_path(layout::USERS);
    let move_status = !ctx.source.version.has(Feature::LiveDataUserStatus)
        && ctx.target.version.has(Feature::LiveDataUserStatus);
    let mut statuses = Vec::new();
    let Some(users) = incoming.tree.find_mut(&users_path) else {
        return Ok(());
    };
    for user in users.subkeys_mut() {
        let path = join(&users_path, user.name());
        let home = first_string(user, layout::HOME_SITE_VALUE);
        if home.as_deref().is_some_and(|site| !same(site, ctx.site())) {
            set_text(user, layout::HOME_SITE_VALUE, ctx.site());
            let detail = format!("Home Site {} → {}", home.unwrap_or_default(), ctx.site());
            log.change(&incoming.component, &path, NAME, detail);
        }
        if move_status {
            if let Some(status) = user.remove_value(layout::LEGACY_USER_STATUS_VALUE) {
                statuses.push((user.name().to_string(), status));
            }
        }
    }
    let live_path = ctx.incoming_path(layout::LIVE_DATA_USER_STATUS);
    for (user, status) in statuses {
        let path = join(&live_path, &user);
        let detail = write_live_status(incoming, &path, &status);
        log.change(&incoming.component, &path, NAME, detail);
    }
    Ok(())
}

/// Writes a user's status in the Live Data form; says what was done.
fn write_live_status(incoming: &mut Incoming, path: &str, status: &Value) -> String {
    let items = strings_of(status);
    let key = incoming.tree.ensure(path);
    let message = items.first().cloned().unwrap_or_default();
    key.set_value(Value::sz(layout::LIVE_STATUS_MESSAGE_VALUE, &message));
    let Some(changed) = items.get(1) else {
        return "status moved from the user entry to Live Data".to_string();
    };
    match iso_time(changed) {
        Some(iso) => {
            key.set_value(Value::sz(layout::LIVE_STATUS_CHANGED_VALUE, &iso));
            "status moved from the user entry to Live Data, its time converted".to_string()
        }
        None => {
            key.set_value(Value::sz(layout::LIVE_STATUS_CHANGED_VALUE, changed));
            "status moved to Live Data; its time was not in the expected form and is kept as \
             it was"
                .to_string()
        }
    }
}

/// `03/01/2016 08:30:00` (the user entry's form) becomes `2016-03-01T08:30:00`.
fn iso_time(text: &str) -> Option<String> {
    let (date, time) = text.trim().split_once(' ')?;
    let date: Vec<u32> = date
        .split('/')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let time: Vec<u32> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let (&[month, day, year], &[hour, minute, second]) = (&date[..], &time[..]) else {
        return None;
    };
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60;
    valid.then(|| format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}"))
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;

    #[test]
    fn home_site_follows_and_status_moves_to_live_data() {
        let fx = Fixture::new();
        let mut users = fixtures::incoming("Users", &fx.source_tree, &[layout::USERS]);
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), std::slice::from_mut(&mut users), &mut log)
            .unwrap();
        let user = users
            .tree
            .find(&join(
                &fixtures::path("Chicago", "helios", layout::USERS),
                "jdoe",
            ))
            .unwrap();
        assert_eq!(
            user.value(layout::HOME_SITE_VALUE)
                .unwrap()
                .as_strings()
                .unwrap(),
            ["Chicago"]
        );
        assert!(user.value(layout::LEGACY_USER_STATUS_VALUE).is_none());
        let live = users
            .tree
            .find(&join(
                &fixtures::path("Chicago", "helios", layout::LIVE_DATA_USER_STATUS),
                "jdoe",
            ))
            .unwrap();
        assert_eq!(
            live.text(layout::LIVE_STATUS_MESSAGE_VALUE).as_deref(),
            Some("At Lunch")
        );
        assert_eq!(
            live.text(layout::LIVE_STATUS_CHANGED_VALUE).as_deref(),
            Some("2016-03-01T12:05:10")
        );
        let details: Vec<&str> = log.changes_by(NAME).map(|c| c.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "Home Site Indy → Chicago",
                "Home Site Indy → Chicago",
                "status moved from the user entry to Live Data, its time converted",
                "status moved from the user entry to Live Data, its time converted",
            ]
        );
    }

    #[test]
    fn times_convert_only_when_well_formed() {
        assert_eq!(
            iso_time("12/31/2016 23:59:59").as_deref(),
            Some("2016-12-31T23:59:59")
        );
        assert_eq!(iso_time("31/12/2016 23:59:59"), None);
        assert_eq!(iso_time("yesterday"), None);
    }
}
