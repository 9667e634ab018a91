//! Rule `users-home-site-and-status`: in Migration mode each user's Home Site becomes the
//! target's site, and when the archive's release kept user status in the user entry while
//! the target's keeps it under Live Data, the status is converted to the Live Data form and
//! moved there.

use super::support::{first_string, set_text, strings_of, value_path};
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
        let home = first_string(user, layout::USER_HOME_SITE);
        if home.as_deref().is_some_and(|site| !same(site, ctx.site())) {
            set_text(user, layout::USER_HOME_SITE, ctx.site());
            let detail = format!("Home Site {} → {}", home.unwrap_or_default(), ctx.site());
            let value = value_path(&path, layout::USER_HOME_SITE);
            log.change(&incoming.component, &value, NAME, detail);
        }
        if move_status {
            let status = user.remove_value(layout::USER_STATUS);
            let since = user.remove_value(layout::USER_STATUS_SINCE);
            if status.is_some() || since.is_some() {
                statuses.push((user.name().to_string(), status, since));
            }
        }
    }
    let live_path = ctx.incoming_path(layout::LIVE_DATA_USER_STATUS);
    for (user, status, since) in statuses {
        let path = join(&live_path, &user);
        let key = incoming.tree.ensure(&path);
        if let Some(status) = status {
            key.set_value(status);
        }
        let detail = match since.as_ref().map(|value| (value, convert_since(value))) {
            Some((_, Some(converted))) => {
                key.set_value(converted);
                "status moved from the user entry to Live Data, its time converted"
            }
            Some((value, None)) => {
                key.set_value(value.clone());
                "status moved to Live Data; its time was not in the expected form and is kept"
            }
            None => "status moved from the user entry to Live Data",
        };
        log.change(&incoming.component, &path, NAME, detail.to_string());
    }
    Ok(())
}

/// The Live Data form of the time a status was set, when the user entry's form parses.
fn convert_since(value: &Value) -> Option<Value> {
    let text = strings_of(value).into_iter().next()?;
    iso_time(&text).map(|iso| Value::sz(layout::USER_STATUS_SINCE, &iso))
}

/// `03/01/2016 08:30:00` (the user entry's form) becomes `2016-03-01T08:30:00Z` (Live Data's
/// form). The user entry does not say which time zone it used; the time is kept as it is.
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
    valid.then(|| format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"))
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
            user.value(layout::USER_HOME_SITE)
                .unwrap()
                .as_strings()
                .unwrap(),
            ["Chicago"]
        );
        assert!(user.value(layout::USER_STATUS).is_none());
        assert!(user.value(layout::USER_STATUS_SINCE).is_none());
        let live = users
            .tree
            .find(&join(
                &fixtures::path("Chicago", "helios", layout::LIVE_DATA_USER_STATUS),
                "jdoe",
            ))
            .unwrap();
        assert_eq!(live.text(layout::USER_STATUS).as_deref(), Some("At Lunch"));
        assert_eq!(
            live.text(layout::USER_STATUS_SINCE).as_deref(),
            Some("2016-03-01T12:05:10Z")
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
            Some("2016-12-31T23:59:59Z")
        );
        assert_eq!(iso_time("31/12/2016 23:59:59"), None);
        assert_eq!(iso_time("yesterday"), None);
    }
}
