//! The preview of a CSV file before its rows are used: the first rows, each
//! column's role (label, feature, one-hot, left out), the label-column menu,
//! a box per column to leave it out, and what was left out and why.

use leptos::prelude::*;

use crate::engine::data::csv_table::Table;
use crate::engine::data::own_data::{self, ColumnChoice, Role};

/// Rows of the file the preview shows.
pub const PREVIEW_ROWS: usize = 5;
/// How [`Role::describe`] begins for a column that is not used.
const LEFT_OUT: &str = "left out";

/// One column as the preview shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewColumn {
    pub index: usize,
    pub name: String,
    /// The role in a few words ("label", "feature", "one-hot (3)", "left out").
    pub role: String,
    /// One-hot values or why it is left out, for the role's tooltip.
    pub detail: String,
    pub used: bool,
    pub is_label: bool,
}

/// One of the first rows, and whether a missing value leaves it out.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewRow {
    pub fields: Vec<String>,
    pub left_out: bool,
}

/// What the preview draws: typed, computed once per change of file or choice.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    /// "penguins.csv: 344 rows separated by commas, a header".
    pub described: String,
    pub columns: Vec<PreviewColumn>,
    pub rows: Vec<PreviewRow>,
    /// What a missing value or a column of many words leaves out.
    pub notes: Vec<String>,
    /// Features the choice gives.
    pub features: usize,
}

impl Preview {
    pub fn new(table: &Table, choice: &ColumnChoice) -> Self {
        let plan = own_data::plan(table, choice);
        let columns = table
            .columns
            .iter()
            .zip(&plan.roles)
            .enumerate()
            .map(|(index, (name, role))| PreviewColumn {
                index,
                name: name.clone(),
                role: role.describe(),
                detail: match role {
                    Role::OneHot(values) => values.join(", "),
                    _ => String::new(),
                },
                used: !matches!(role, Role::LeftOut(own_data::LeftOut::Chosen)),
                is_label: *role == Role::Label,
            })
            .collect();
        Self {
            described: format!("{}: {}", table.name, table.described()),
            columns,
            rows: table
                .rows
                .iter()
                .zip(&plan.missing)
                .take(PREVIEW_ROWS)
                .map(|(r, &left_out)| PreviewRow { fields: r.fields.clone(), left_out })
                .collect(),
            notes: plan.notes(table),
            features: plan.features(),
        }
    }
}

/// A column's header: its name, and a box to use it or leave it out (not the label's).
fn column_head(c: PreviewColumn, choice: RwSignal<Option<ColumnChoice>>) -> impl IntoView {
    let index = c.index;
    let toggle = move |ev: leptos::ev::Event| {
        let used = event_target_checked(&ev);
        choice.update(|ch| ch.iter_mut().for_each(|ch| ch.toggle(index, used)));
    };
    view! {
        <th>
            <label title="Use this column">
                <input type="checkbox" class="use-column" prop:checked=c.used
                    prop:disabled=c.is_label on:change=toggle />
                {c.name}
            </label>
        </th>
    }
}

/// What a column is read as (the label, left out, or its kind), under its header.
fn role_cell(c: PreviewColumn) -> impl IntoView {
    let class = match (c.is_label, c.role.starts_with(LEFT_OUT)) {
        (true, _) => "role label",
        (false, true) => "role left-out",
        (false, false) => "role",
    };
    view! { <td class=class title=c.detail>{c.role}</td> }
}

/// One previewed row, marked when a missing value leaves it out.
fn preview_row(r: PreviewRow) -> impl IntoView {
    let (class, title) = if r.left_out { ("left-out", "Left out: a missing value") } else { ("", "") };
    view! {
        <tr class=class title=title>
            {r.fields.into_iter().map(|f| view! { <td>{f}</td> }).collect_view()}
        </tr>
    }
}

/// The preview, with the controls that change the choice and the button that uses the rows.
#[component]
pub fn DataPreview(
    preview: Memo<Option<Preview>>,
    /// The label column and the columns left out; the menu and the boxes change it.
    choice: RwSignal<Option<ColumnChoice>>,
    /// Build the rows under the current choice and use them.
    on_use: Callback<()>,
) -> impl IntoView {
    let set_label = move |ev: leptos::ev::Event| {
        if let Ok(column) = event_target_value(&ev).parse::<usize>() {
            choice.update(|c| c.iter_mut().for_each(|c| c.set_label(column)));
        }
    };
    let columns = move || preview.with(|p| p.as_ref().map_or_else(Vec::new, |p| p.columns.clone()));
    let menu = move || {
        columns()
            .into_iter()
            .map(|c| view! { <option value=c.index.to_string() selected=c.is_label>{c.name}</option> })
            .collect_view()
    };
    let head = move || columns().into_iter().map(|c| column_head(c, choice)).collect_view();
    let roles = move || columns().into_iter().map(role_cell).collect_view();
    let rows = move || preview.with(|p| p.iter().flat_map(|p| p.rows.clone()).map(preview_row).collect_view());
    let notes =
        move || preview.with(|p| p.iter().flat_map(|p| p.notes.clone()).map(|n| view! { <li>{n}</li> }).collect_view());
    let described = move || preview.with(|p| p.as_ref().map(|p| p.described.clone()));
    let features = move || preview.with(|p| p.as_ref().map_or(0, |p| p.features));
    view! {
        <Show when=move || preview.with(Option::is_some)>
            <div class="data-preview">
                <p class="hint" id="data-described">{described}</p>
                <label class="data-label">"Label column "
                    <select id="data-label" on:change=set_label>{menu}</select>
                </label>
                <div class="preview-scroll">
                    <table id="data-preview">
                        <thead><tr>{head}</tr><tr class="roles">{roles}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <ul id="data-notes" class="hint">{notes}</ul>
                <button id="data-use" on:click=move |_| on_use.run(())>
                    {move || format!("Use these rows ({} features)", features())}
                </button>
            </div>
        </Show>
    }
}
