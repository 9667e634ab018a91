//! The three sample sizes and how many items of each kind they hold.
//!
//! `small` is for tests and training (a few of everything, under 2 MB); `medium` is a
//! realistic mid-size site; `large` is the benchmark size of a big contact center.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, ErrorKind};

/// How big a sample server is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    /// A few of everything; under 2 MB in total.
    Small,
    /// A few hundred users; tens of MB.
    Medium,
    /// The benchmark size: 10,000 users and about 500 MB of prompts.
    Large,
}

impl Size {
    /// The word used on the command line: `small`, `medium` or `large`.
    pub fn as_str(self) -> &'static str {
        match self {
            Size::Small => "small",
            Size::Medium => "medium",
            Size::Large => "large",
        }
    }

    /// How many items of each kind this size holds.
    pub fn scale(self) -> &'static Scale {
        match self {
            Size::Small => &SMALL,
            Size::Medium => &MEDIUM,
            Size::Large => &LARGE,
        }
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Size {
    type Err = Error;

    fn from_str(text: &str) -> Result<Size, Error> {
        match text.trim().to_ascii_lowercase().as_str() {
            "small" => Ok(Size::Small),
            "medium" => Ok(Size::Medium),
            "large" => Ok(Size::Large),
            _ => Err(
                Error::new(ErrorKind::Usage, format!("unknown sample size {text:?}"))
                    .with_hint("Use small, medium or large."),
            ),
        }
    }
}

/// The number of items of each kind in a sample. Counts that depend on others (licences,
/// managed phones, handler registrations) follow from these.
#[derive(Clone, Debug)]
pub struct Scale {
    /// Users, the special one included.
    pub users: usize,
    /// Workgroups.
    pub workgroups: usize,
    /// Roles besides the four built-in ones.
    pub custom_roles: usize,
    /// Skills.
    pub skills: usize,
    /// Stations.
    pub stations: usize,
    /// Lines.
    pub lines: usize,
    /// Line groups.
    pub line_groups: usize,
    /// Server parameters in total (at least the standard ones).
    pub server_parameters: usize,
    /// Structured parameters.
    pub structured_parameters: usize,
    /// Interaction Processor tables.
    pub ip_tables: usize,
    /// Rows per Interaction Processor table.
    pub ip_table_rows: usize,
    /// DNIS mapping rows.
    pub dnis_rows: usize,
    /// Dial plan entries besides the ones setup creates.
    pub custom_dial_plan_entries: usize,
    /// Interaction Attendant nodes in the active configuration.
    pub attendant_nodes: usize,
    /// Languages with attendant prompts.
    pub languages: usize,
    /// Attendant prompts per language.
    pub prompts_per_language: usize,
    /// Localized system prompts per language other than the first.
    pub language_prompts: usize,
    /// Average size of a prompt file in bytes.
    pub prompt_bytes: usize,
    /// Client buttons.
    pub client_buttons: usize,
    /// Data sources besides the ones setup creates.
    pub custom_data_sources: usize,
    /// Reports besides the standard ones.
    pub custom_reports: usize,
    /// Custom handler files.
    pub handlers: usize,
    /// IP phone proxy groups.
    pub proxy_groups: usize,
    /// IPA processes.
    pub ipa_processes: usize,
    /// System parameters.
    pub system_parameters: usize,
    /// Password policies.
    pub password_policies: usize,
    /// Client configuration templates.
    pub client_templates: usize,
    /// Status messages (at least the ones users are seen in).
    pub status_messages: usize,
    /// Wrap-up categories.
    pub wrap_up_categories: usize,
    /// Wrap-up codes.
    pub wrap_up_codes: usize,
    /// Account codes.
    pub account_codes: usize,
    /// Schedules.
    pub schedules: usize,
    /// Locations.
    pub locations: usize,
    /// Layouts.
    pub layouts: usize,
    /// Station positions per layout (no more than there are stations).
    pub positions_per_layout: usize,
    /// IPA process templates.
    pub ipa_templates: usize,
    /// Speech recognition engines.
    pub asr_engines: usize,
    /// Paired CIC servers of a Media Server sample, when none are named.
    pub command_servers: usize,
    /// Global properties of a Media Server sample.
    pub media_properties: usize,
}

const SMALL: Scale = Scale {
    users: 12,
    workgroups: 4,
    custom_roles: 2,
    skills: 4,
    stations: 12,
    lines: 4,
    line_groups: 2,
    server_parameters: 40,
    structured_parameters: 4,
    ip_tables: 2,
    ip_table_rows: 5,
    dnis_rows: 12,
    custom_dial_plan_entries: 2,
    attendant_nodes: 40,
    languages: 2,
    prompts_per_language: 4,
    language_prompts: 2,
    prompt_bytes: 3_200,
    client_buttons: 3,
    custom_data_sources: 1,
    custom_reports: 2,
    handlers: 4,
    proxy_groups: 1,
    ipa_processes: 2,
    system_parameters: 8,
    password_policies: 2,
    client_templates: 2,
    status_messages: 12,
    wrap_up_categories: 3,
    wrap_up_codes: 8,
    account_codes: 6,
    schedules: 4,
    locations: 2,
    layouts: 1,
    positions_per_layout: 6,
    ipa_templates: 2,
    asr_engines: 1,
    command_servers: 1,
    media_properties: 12,
};

const MEDIUM: Scale = Scale {
    users: 300,
    workgroups: 30,
    custom_roles: 6,
    skills: 20,
    stations: 300,
    lines: 40,
    line_groups: 6,
    server_parameters: 200,
    structured_parameters: 12,
    ip_tables: 8,
    ip_table_rows: 40,
    dnis_rows: 150,
    custom_dial_plan_entries: 20,
    attendant_nodes: 600,
    languages: 4,
    prompts_per_language: 50,
    language_prompts: 10,
    prompt_bytes: 120_000,
    client_buttons: 15,
    custom_data_sources: 3,
    custom_reports: 10,
    handlers: 40,
    proxy_groups: 3,
    ipa_processes: 8,
    system_parameters: 40,
    password_policies: 4,
    client_templates: 6,
    status_messages: 30,
    wrap_up_categories: 6,
    wrap_up_codes: 40,
    account_codes: 60,
    schedules: 20,
    locations: 5,
    layouts: 4,
    positions_per_layout: 40,
    ipa_templates: 6,
    asr_engines: 2,
    command_servers: 3,
    media_properties: 40,
};

const LARGE: Scale = Scale {
    users: 10_000,
    workgroups: 1_000,
    custom_roles: 40,
    skills: 200,
    stations: 10_000,
    lines: 400,
    line_groups: 40,
    server_parameters: 2_000,
    structured_parameters: 100,
    ip_tables: 50,
    ip_table_rows: 200,
    dnis_rows: 5_000,
    custom_dial_plan_entries: 200,
    attendant_nodes: 20_000,
    languages: 5,
    prompts_per_language: 480,
    language_prompts: 20,
    prompt_bytes: 200_000,
    client_buttons: 100,
    custom_data_sources: 10,
    custom_reports: 100,
    handlers: 500,
    proxy_groups: 10,
    ipa_processes: 50,
    system_parameters: 200,
    password_policies: 10,
    client_templates: 25,
    status_messages: 80,
    wrap_up_categories: 12,
    wrap_up_codes: 300,
    account_codes: 1_000,
    schedules: 120,
    locations: 30,
    layouts: 20,
    positions_per_layout: 100,
    ipa_templates: 40,
    asr_engines: 4,
    command_servers: 8,
    media_properties: 200,
};
