//! Draws the wizard's pages with ratatui: a title bar naming the page, the page's body, and a
//! footer with the keys and the last notice. The Welcome page shows the version in its lower
//! right corner, where the vendor tool shows it.

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Gauge, List, ListItem, ListState, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{labels, App, Ending, Page, Task};
use super::form::{Form, Value};
use super::work::Finished;
use crate::exit;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let [title, body, footer] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Min(5),
        Constraint::Length(3),
    ])
    .areas(frame.area());
    let heading = format!(" Interaction Migrator: {} ", page_title(app));
    let title_block = Block::default().borders(Borders::ALL).title(heading);
    let server = format!("{} ({})", app.identity.server, app.identity.version);
    frame.render_widget(Paragraph::new(server).block(title_block), title);
    match app.page {
        Page::Components => draw_tree(frame, body, app),
        Page::Status => draw_status(frame, body, app),
        _ => frame.render_widget(page_text(app), body),
    }
    draw_footer(frame, footer, app);
}

fn page_title(app: &App) -> &'static str {
    match (app.page, app.task) {
        (Page::Welcome, _) => "Welcome",
        (Page::Task, _) => "Task Selection",
        (Page::Components, Task::Export) => "Data Component Selection",
        (Page::Components, Task::Import) => "Import Items",
        (Page::Configuration, _) => "Configuration",
        (Page::Confirmation, Task::Export) => "Export Confirmation",
        (Page::Confirmation, Task::Import) => "Import Confirmation",
        (Page::Status, Task::Export) => "Export Status",
        (Page::Status, Task::Import) => "Import Status",
        (Page::Finish, _) => "Finish",
    }
}

fn page_text(app: &App) -> Paragraph<'static> {
    let lines = match app.page {
        Page::Welcome => welcome(),
        Page::Task => task(app),
        Page::Configuration => form_lines(current_form(app)),
        Page::Confirmation => confirmation(app),
        Page::Status => status(app),
        Page::Finish => finish(app),
        Page::Components => Vec::new(),
    };
    Paragraph::new(lines)
        .block(Block::default().borders(Borders::ALL))
        .wrap(Wrap { trim: false })
}

fn current_form(app: &App) -> &Form {
    match app.task {
        Task::Export => &app.export_form,
        Task::Import => &app.import_form,
    }
}

fn welcome() -> Vec<Line<'static>> {
    vec![
        Line::from("This wizard exports a server's configuration into one .ininmigr file,"),
        Line::from("or imports such a file onto this server in Migration or Recovery mode."),
        Line::from(""),
        Line::from("Stop the server's service before an import. Press Enter to begin."),
    ]
}

fn task(app: &App) -> Vec<Line<'static>> {
    let choice = |on: bool, text: &str| {
        let mark = if on { "(•)" } else { "( )" };
        Line::from(format!("  {mark} {text}"))
    };
    vec![
        Line::from("What would you like to do?"),
        Line::from(""),
        choice(app.task == Task::Export, "Export configuration data"),
        choice(app.task == Task::Import, "Import configuration data"),
    ]
}

fn form_lines(form: &Form) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (index, field) in form.fields.iter().enumerate() {
        if !form.visible(index) {
            continue;
        }
        let focus = index == form.focus;
        let marker = if focus { "> " } else { "  " };
        let cursor = if focus { "_" } else { "" };
        let text = match &field.value {
            Value::Text(text) => format!("{}: {text}{cursor}", field.label),
            Value::Secret(text) => {
                format!(
                    "{}: {}{cursor}",
                    field.label,
                    "*".repeat(text.chars().count())
                )
            }
            Value::Check(on) => format!("[{}] {}", if *on { "x" } else { " " }, field.label),
            Value::Choice(chosen, options) => choices(field.label, *chosen, options),
        };
        let style = if focus {
            Style::default().add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(format!("{marker}{text}"), style)));
    }
    lines
}

fn choices(label: &str, chosen: usize, options: &[&str]) -> String {
    let shown: Vec<String> = options
        .iter()
        .enumerate()
        .map(|(i, o)| format!("({}) {o}", if i == chosen { "•" } else { " " }))
        .collect();
    format!("{label}: {}", shown.join("  "))
}

fn confirmation(app: &App) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from("Please confirm, then press Enter to start:"),
        Line::from(""),
    ];
    let nodes = app.tree.nodes().replace(',', ", ");
    let components = format!("{} component(s): {nodes}", app.tree.checked_count());
    let text = |label: &str, form: &Form| format!("{label}: {}", form.text(label));
    let entries = match app.task {
        Task::Export => vec![
            "Task: export configuration data".to_owned(),
            components,
            text(labels::OUT, &app.export_form),
            text(labels::HANDLERS, &app.export_form),
            yes_no("Password", app.export_form.check(labels::USE_PASSWORD)),
        ],
        Task::Import => vec![
            "Task: import configuration data".to_owned(),
            text(labels::ARCHIVE, &app.import_form),
            text(labels::EXTRACT, &app.import_form),
            components,
            choices(
                labels::MODE,
                app.import_form.choice(labels::MODE),
                &["Migration", "Recovery"],
            ),
            yes_no(
                "Restore point",
                app.import_form.check(labels::RESTORE_POINT),
            ),
        ],
    };
    lines.extend(entries.into_iter().map(|e| Line::from(format!("  {e}"))));
    lines
}

fn yes_no(label: &str, on: bool) -> String {
    format!("{label}: {}", if on { "yes" } else { "no" })
}

fn status(app: &App) -> Vec<Line<'static>> {
    let mut lines: Vec<Line> = app
        .meter
        .lines
        .iter()
        .rev()
        .take(8)
        .rev()
        .map(|l| Line::from(l.clone()))
        .collect();
    lines.push(Line::from(""));
    let state = match (&app.running, &app.ending) {
        (Some(running), _) if running.stopping() => "Stopping: removing what was written...".into(),
        (Some(running), _) => format!(
            "Working on {} ({:.0}%), {} s",
            app.meter.phase,
            app.meter.ratio() * 100.0,
            running.elapsed().as_secs()
        ),
        (None, Some(Ending::Done(..))) => "Done. Press Enter to continue.".into(),
        (None, Some(Ending::Stopped)) => {
            "Stopped: nothing was written. Press Esc to go back and change the selections.".into()
        }
        (None, Some(Ending::Failed(error))) => {
            format!("Failed: {}Press Esc to go back.", exit::render(error))
        }
        (None, None) => String::new(),
    };
    lines.push(Line::from(Span::styled(
        state,
        Style::default().add_modifier(Modifier::BOLD),
    )));
    lines
}

fn finish(app: &App) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(Ending::Done(finished, took)) = &app.ending {
        let took = format!("Duration: {:.1} s", took.as_secs_f64());
        match finished {
            Finished::Exported {
                archive,
                components,
                items,
            } => {
                lines.push(Line::from(format!(
                    "Configuration data file: {}",
                    archive.display()
                )));
                lines.push(Line::from(format!(
                    "{components} component(s), {items} item(s)"
                )));
                lines.push(Line::from(took));
            }
            Finished::Imported {
                status,
                report,
                checklist,
                ..
            } => {
                lines.push(Line::from(format!("Import status: {status}")));
                lines.push(Line::from(took));
                lines.push(Line::from(checklist.clone()));
                lines.push(Line::from(""));
                lines.extend(report.lines().take(12).map(|l| Line::from(l.to_owned())));
            }
        }
    }
    if let Some(log) = crate::logging::log_path() {
        lines.push(Line::from(""));
        lines.push(Line::from(format!("Log: {}", log.display())));
    }
    lines.push(Line::from(
        "Problems? migrator support-bundle zips the logs for support.",
    ));
    lines
}

fn draw_status(frame: &mut Frame, area: Rect, app: &App) {
    let [gauge, text] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let ratio = match app.ending {
        Some(Ending::Done(..)) => 1.0,
        _ => app.meter.ratio(),
    };
    let bar = Gauge::default()
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(app.meter.phase.clone()),
        )
        .gauge_style(Style::default().fg(Color::Green))
        .ratio(ratio);
    frame.render_widget(bar, gauge);
    frame.render_widget(page_text(app), text);
}

fn draw_tree(frame: &mut Frame, area: Rect, app: &App) {
    let tree = &app.tree;
    let all = if tree.all_selected() { "x" } else { " " };
    let mut items = vec![ListItem::new(format!(
        "[{all}] Select All ({})",
        app.identity.server
    ))];
    for row in &tree.rows {
        let mark = if row.checked() { "x" } else { " " };
        let mut text = format!("    [{mark}] {}", row.name);
        if let Some((by, reason)) = &row.pulled {
            text.push_str(&format!("  (needed by {by}: {reason})"));
        }
        items.push(ListItem::new(text));
    }
    let list = List::new(items)
        .block(Block::default().borders(Borders::ALL))
        .highlight_style(Style::default().add_modifier(Modifier::REVERSED));
    let mut state = ListState::default().with_selected(Some(tree.cursor));
    frame.render_stateful_widget(list, area, &mut state);
}

fn draw_footer(frame: &mut Frame, area: Rect, app: &App) {
    let keys = match app.page {
        Page::Welcome => "Enter next  q quit",
        Page::Task => "Up/Down choose  Enter next  Esc back",
        Page::Components => "Up/Down move  Space check  a Select All  Enter next  Esc back",
        Page::Configuration => "Tab/Up/Down field  Space check  type to edit  Enter next  Esc back",
        Page::Confirmation => "Enter start  Esc back",
        Page::Status if app.running.is_some() => "s Stop",
        Page::Status => "Enter next  Esc back",
        Page::Finish => "Enter finish",
    };
    let text = match &app.message {
        Some(message) => Line::from(Span::styled(
            message.clone(),
            Style::default().fg(Color::Red),
        )),
        None => Line::from(keys),
    };
    let block = Block::default().borders(Borders::ALL);
    frame.render_widget(Paragraph::new(text).block(block.clone()), area);
    if app.page == Page::Welcome {
        let version = format!("migrator {} ", migrator_core::TOOL_VERSION);
        let corner = Paragraph::new(version).alignment(Alignment::Right);
        let inner = block.inner(area);
        frame.render_widget(corner, inner);
    }
}
