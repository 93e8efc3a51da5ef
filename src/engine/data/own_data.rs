//! Your own data: a CSV file, or pasted text, of rows with a label column.
//! [`crate::engine::data::csv_table`] reads the file as it is (quotes, delimiter, decimal
//! commas, a header); this module turns the table into a dataset, given which
//! column is the label and which are left out ([`ColumnChoice`]).
//!
//! - **The label column**: by default the one named `label`, `class`,
//!   `target` or `y`, else the last. Labels may be numbers or words; class i
//!   is the i-th label in sorted order (numerically when every label is a
//!   number), so the same file always gives the same classes.
//! - **Feature columns** ([`Role`]): a column of numbers is one feature; a
//!   column of words with at most [`MAX_ONE_HOT`] distinct values becomes one
//!   feature per value (one-hot), and with more it is left out, with a note.
//! - **Missing values** (an empty field, `NA`, `N/A`, `NaN`, `null`, `?`, …):
//!   a row with one in a column that is used is left out, with a note that
//!   says how many and from which lines.
//! - Each feature is scaled to -1..1 (its minimum to -1, its maximum to 1),
//!   the range of the built-in 2D sets, so any units train alike and 2D
//!   points fill the decision-region drawing.
//!
//! A problem is reported with the line it is on; nothing half-read is ever used.

use serde::{Deserialize, Serialize};

use crate::engine::data::Samples;
use crate::engine::data::csv_table::{self, Header, Table};
use crate::engine::data::own_limits::{CsvError, MAX_BYTES, MAX_CLASSES, MAX_FEATURES, MAX_VALUES, MIN_ROWS, clip};

/// Header names that mark the label column (compared without case), the first found winning.
pub(crate) const LABEL_NAMES: [&str; 4] = ["label", "class", "target", "y"];
/// A column of words with at most this many distinct values becomes one-hot
/// features (penguins' island: 3, sex: 2); with more it is left out: a word
/// column that varies that much is a name or an identifier, not a category.
pub const MAX_ONE_HOT: usize = 10;
/// Lines named in a note about rows left out; the rest are counted.
const LINES_NAMED: usize = 5;
/// Rows read from a file: the points a ticket file carries, so an
/// experiment on them can be shared and resumed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnData {
    /// The file's name, or "pasted text".
    pub name: String,
    pub features: usize,
    /// Class i's label as the file wrote it (or as scikit-learn's count line names it).
    pub labels: Vec<String>,
    /// Row-major feature values.
    pub x: Vec<f32>,
    /// Each row's class.
    pub y: Vec<u8>,
    /// Each feature's name: the column's, or `column=value` for a one-hot feature.
    /// (Absent from ticket files written before columns had names.)
    #[serde(default)]
    pub feature_names: Vec<String>,
    /// Each feature's range in the file's units before scaling to -1..1: what an exported graph undoes.
    /// (Absent from ticket files written before the lab kept it.)
    #[serde(default)]
    pub ranges: Vec<ColumnRange>,
}

/// A feature column's smallest and largest value as the file holds them (a one-hot column: 0 and 1, or one of
/// them when every row has the same word).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColumnRange {
    pub min: f32,
    pub max: f32,
}

/// Which column is the label and which are left out: the page's menu and
/// check boxes, the CLI's `--label` and `--drop`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnChoice {
    pub label: usize,
    /// Columns left out by choice, in column order.
    pub left_out: Vec<usize>,
}

impl ColumnChoice {
    /// The label column a file implies: the first column named in
    /// [`LABEL_NAMES`] order (so `x,y,label` labels by `label`), else the last.
    pub fn default_for(table: &Table) -> Self {
        let named = LABEL_NAMES.iter().find_map(|n| table.columns.iter().position(|c| c.eq_ignore_ascii_case(n)));
        Self { label: named.unwrap_or(table.columns.len() - 1), left_out: Vec::new() }
    }

    /// The choice named by columns' names (or numbers from 1): the label (else
    /// the default) and the columns to leave out.
    pub fn named(table: &Table, label: Option<&str>, left_out: &[String]) -> Result<Self, CsvError> {
        let mut choice = Self::default_for(table);
        if let Some(name) = label {
            choice.label = table.column(name)?;
        }
        for name in left_out {
            choice.toggle(table.column(name)?, false);
        }
        Ok(choice)
    }

    /// Use or leave out a column (the label column is always used).
    pub(crate) fn toggle(&mut self, column: usize, used: bool) {
        self.left_out.retain(|&c| c != column);
        if !used && column != self.label {
            self.left_out.push(column);
            self.left_out.sort_unstable();
        }
    }

    /// A new label column; it is used, whatever was chosen before.
    pub fn set_label(&mut self, column: usize) {
        self.label = column;
        self.left_out.retain(|&c| c != column);
    }
}

/// Why a column is not used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// The user left it out.
    Chosen,
    /// Words with more than [`MAX_ONE_HOT`] distinct values.
    TooManyWords { distinct: usize },
    /// Every value is missing.
    Empty,
}

/// What a column becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Label,
    /// One feature: the column's numbers.
    Number,
    /// One feature per distinct word (sorted), 1 where the row has it, else 0.
    OneHot(Vec<String>),
    LeftOut(LeftOut),
}

impl Role {
    /// Features the column gives.
    pub fn width(&self) -> usize {
        match self {
            Role::Number => 1,
            Role::OneHot(values) => values.len(),
            Role::Label | Role::LeftOut(_) => 0,
        }
    }

    /// The role in a few words, for the preview.
    pub fn describe(&self) -> String {
        match self {
            Role::Label => "label".into(),
            Role::Number => "feature".into(),
            Role::OneHot(values) => format!("one-hot ({})", values.len()),
            Role::LeftOut(LeftOut::Chosen) => "left out".into(),
            Role::LeftOut(LeftOut::TooManyWords { distinct }) => {
                format!("left out: {distinct} words")
            }
            Role::LeftOut(LeftOut::Empty) => "left out: empty".into(),
        }
    }
}

/// What a choice makes of a table, before any row is read as numbers: each
/// column's role and the rows left out for a missing value. The preview shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub roles: Vec<Role>,
    /// Per row of the table: whether a used column's value is missing there.
    pub missing: Vec<bool>,
}

impl Plan {
    pub fn features(&self) -> usize {
        self.roles.iter().map(Role::width).sum()
    }

    /// The file lines of the rows left out.
    pub fn missing_lines(&self, table: &Table) -> Vec<usize> {
        table.rows.iter().zip(&self.missing).filter(|(_, m)| **m).map(|(r, _)| r.line).collect()
    }

    /// What was left out and why, in sentences (empty when nothing was).
    pub fn notes(&self, table: &Table) -> Vec<String> {
        let mut notes = Vec::new();
        let lines = self.missing_lines(table);
        if !lines.is_empty() {
            let named: Vec<String> = lines.iter().take(LINES_NAMED).map(usize::to_string).collect();
            let more = if lines.len() > LINES_NAMED { ", …" } else { "" };
            let rows = if lines.len() == 1 { "row has" } else { "rows have" };
            notes.push(format!(
                "{} {rows} a missing value and {} left out (line{} {}{more})",
                lines.len(),
                if lines.len() == 1 { "is" } else { "are" },
                if lines.len() == 1 { "" } else { "s" },
                named.join(", ")
            ));
        }
        for (name, role) in table.columns.iter().zip(&self.roles) {
            match role {
                Role::LeftOut(LeftOut::TooManyWords { distinct }) => notes.push(format!(
                    "{name} is left out: {distinct} different words, more than the {MAX_ONE_HOT} \
                     a one-hot column may have"
                )),
                Role::LeftOut(LeftOut::Empty) => notes.push(format!("{name} is left out: every value is missing")),
                _ => {}
            }
        }
        notes
    }
}

/// Each column's role under a choice, and the rows a missing value leaves out.
pub fn plan(table: &Table, choice: &ColumnChoice) -> Plan {
    let roles: Vec<Role> = (0..table.columns.len())
        .map(|j| {
            if j == choice.label {
                return Role::Label;
            }
            if choice.left_out.contains(&j) {
                return Role::LeftOut(LeftOut::Chosen);
            }
            let values: Vec<&str> =
                table.rows.iter().map(|r| r.fields[j].as_str()).filter(|f| !csv_table::is_missing(f)).collect();
            if values.is_empty() {
                return Role::LeftOut(LeftOut::Empty);
            }
            let numbers = values.iter().filter(|v| csv_table::number(v, table.delimiter).is_some()).count();
            // Mostly numbers: a word among them is a mistake to report, not a category.
            if 2 * numbers >= values.len() {
                return Role::Number;
            }
            let mut words: Vec<String> = values.iter().map(|v| v.to_string()).collect();
            words.sort();
            words.dedup();
            match words.len() {
                n if n <= MAX_ONE_HOT => Role::OneHot(words),
                distinct => Role::LeftOut(LeftOut::TooManyWords { distinct }),
            }
        })
        .collect();
    let used: Vec<usize> = (0..roles.len()).filter(|&j| !matches!(roles[j], Role::LeftOut(_))).collect();
    let missing = table.rows.iter().map(|r| used.iter().any(|&j| csv_table::is_missing(&r.fields[j]))).collect();
    Plan { roles, missing }
}

/// Rows that passed every check, with the notes on what was left out.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub data: OwnData,
    pub notes: Vec<String>,
}

/// The table as a dataset under a choice: every used value checked, word
/// columns one-hot, each feature scaled to -1..1.
pub fn build(table: &Table, choice: &ColumnChoice) -> Result<Imported, CsvError> {
    let plan = plan(table, choice);
    let features = plan.features();
    if features == 0 {
        let roles: Vec<String> =
            table.columns.iter().zip(&plan.roles).map(|(c, r)| format!("{c} ({})", r.describe())).collect();
        return Err(CsvError::NoFeatureColumns(roles.join(", ")));
    }
    if features > MAX_FEATURES {
        return Err(CsvError::TooManyFeatures { features });
    }
    let mut x = Vec::new();
    let mut raw_labels: Vec<(usize, String)> = Vec::new();
    for (row, _) in table.rows.iter().zip(&plan.missing).filter(|(_, m)| !**m) {
        if x.len() + features > MAX_VALUES {
            return Err(CsvError::TooManyValues { line: row.line });
        }
        for (j, (field, role)) in row.fields.iter().zip(&plan.roles).enumerate() {
            match role {
                Role::Number => match csv_table::number(field, table.delimiter) {
                    Some(v) => x.push(v as f32),
                    None => {
                        return Err(CsvError::NotANumber {
                            line: row.line,
                            column: j + 1,
                            name: clip(&table.columns[j]),
                            value: clip(field),
                        });
                    }
                },
                Role::OneHot(values) => x.extend(values.iter().map(|v| if v == field { 1.0 } else { 0.0 })),
                Role::Label => raw_labels.push((row.line, field.clone())),
                Role::LeftOut(_) => {}
            }
        }
    }
    let rows = raw_labels.len();
    let left_out = plan.missing.iter().filter(|m| **m).count();
    if rows < MIN_ROWS {
        let left_out = match left_out {
            0 => String::new(),
            n => format!(" once {n} with a missing value are left out"),
        };
        return Err(CsvError::TooFewRows { rows, left_out });
    }
    let label_column = clip(&table.columns[choice.label]);
    let mut labels = classes(&raw_labels, &label_column)?;
    let y = raw_labels.iter().map(|(_, l)| labels.iter().position(|c| c == l).expect("a listed label") as u8).collect();
    if let Header::Counts { class_names, .. } = &table.header {
        name_classes(&mut labels, class_names, choice.label + 1 == table.columns.len());
    }
    let ranges = scale_columns(&mut x, features);
    let feature_names = table
        .columns
        .iter()
        .zip(&plan.roles)
        .flat_map(|(name, role)| match role {
            Role::Number => vec![name.clone()],
            Role::OneHot(values) => values.iter().map(|v| format!("{name}={v}")).collect(),
            Role::Label | Role::LeftOut(_) => Vec::new(),
        })
        .collect();
    let notes = plan.notes(table);
    Ok(Imported { data: OwnData { name: table.name.clone(), features, labels, x, y, feature_names, ranges }, notes })
}

/// Read CSV text with the label column and features its header implies.
pub fn parse(name: &str, text: &str) -> Result<OwnData, CsvError> {
    let table = csv_table::read(name, text)?;
    build(&table, &ColumnChoice::default_for(&table)).map(|i| i.data)
}

/// scikit-learn's targets are 0..k-1 in its CSVs, and the count line names
/// them: class i takes its name when the label column is the last (the
/// target) and holds exactly those numbers.
fn name_classes(labels: &mut [String], class_names: &[String], label_is_last: bool) {
    let indices: Option<Vec<usize>> = labels.iter().map(|l| l.parse::<usize>().ok()).collect();
    let fits = indices.as_ref().is_some_and(|ix| ix.iter().enumerate().all(|(i, &v)| i == v));
    if label_is_last && fits && labels.len() == class_names.len() {
        labels.clone_from_slice(class_names);
    }
}

/// Scale each column of row-major `x` to -1..1; a constant column becomes 0. Returns each column's range.
fn scale_columns(x: &mut [f32], features: usize) -> Vec<ColumnRange> {
    (0..features)
        .map(|j| {
            let column = || x.iter().skip(j).step_by(features);
            let lo = column().copied().fold(f32::INFINITY, f32::min);
            let hi = column().copied().fold(f32::NEG_INFINITY, f32::max);
            let span = hi - lo;
            for v in x.iter_mut().skip(j).step_by(features) {
                *v = if span > 0.0 { 2.0 * (*v - lo) / span - 1.0 } else { 0.0 };
            }
            ColumnRange { min: lo, max: hi }
        })
        .collect()
}

/// The distinct labels in class order: numerically when all are numbers, else as text.
fn classes(raw: &[(usize, String)], column: &str) -> Result<Vec<String>, CsvError> {
    let mut labels: Vec<String> = Vec::new();
    for (line, l) in raw {
        if !labels.contains(l) {
            if labels.len() == MAX_CLASSES {
                return Err(CsvError::TooManyClasses { line: *line, label: clip(l), column: column.to_string() });
            }
            labels.push(l.clone());
        }
    }
    match labels.len() {
        0 => return Err(CsvError::Empty),
        1 => return Err(CsvError::OneClass(clip(&labels[0]))),
        _ => {}
    }
    let numbers: Option<Vec<f64>> = labels.iter().map(|l| l.parse::<f64>().ok()).collect();
    match numbers {
        Some(n) => {
            let mut pairs: Vec<(f64, String)> = n.into_iter().zip(labels).collect();
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
            Ok(pairs.into_iter().map(|(_, l)| l).collect())
        }
        None => {
            labels.sort();
            Ok(labels)
        }
    }
}

impl Imported {
    pub fn describe(&self) -> String {
        self.data.describe()
    }
}

impl OwnData {
    /// "penguins.csv: 333 rows, 10 features, 3 classes (Adelie, Chinstrap, Gentoo)".
    pub fn describe(&self) -> String {
        format!(
            "{}: {} rows, {} features, {} classes ({})",
            self.name,
            self.rows(),
            self.features,
            self.classes(),
            self.labels.join(", ")
        )
    }

    pub fn rows(&self) -> usize {
        self.y.len()
    }

    pub fn classes(&self) -> usize {
        self.labels.len()
    }

    /// 2D points: the page draws their decision regions.
    pub fn is_2d(&self) -> bool {
        self.features == 2
    }

    /// The rows as samples, to split like any dataset.
    pub fn samples(&self) -> Samples {
        Samples {
            features: self.features,
            classes: self.classes(),
            x: self.x.clone(),
            y: self.y.clone(),
            targets: Vec::new(),
        }
    }

    /// What the configuration records of the data: enough to check that a
    /// file's points are the ones an experiment ran on.
    pub fn shape(&self) -> OwnShape {
        OwnShape { features: self.features, classes: self.classes(), rows: self.rows(), digest: self.digest() }
    }

    /// CRC-32 (crc32fast, which the image-set format already uses) over the features' bits and the labels:
    /// a check that a file's rows are the ones an experiment ran on, not a secret.
    fn digest(&self) -> String {
        let mut hasher = crc32fast::Hasher::new();
        for v in &self.x {
            hasher.update(&v.to_bits().to_le_bytes());
        }
        hasher.update(&self.y);
        format!("{:08x}", hasher.finalize())
    }

    /// Whether these points are the ones `shape` describes (and hang together:
    /// a row of features per label, every label a class).
    pub fn matches(&self, shape: &OwnShape) -> bool {
        let whole =
            self.x.len() == self.rows() * self.features && self.y.iter().all(|&c| usize::from(c) < self.classes());
        whole && self.shape() == *shape
    }
}

/// The shape of own data, in the configuration: the network's input and
/// output sizes, and a digest that ties a ticket file's points to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnShape {
    pub features: usize,
    pub classes: usize,
    pub rows: usize,
    pub digest: String,
}

/// A CSV file on disk, read as the page reads it (`lottery run --data-file`,
/// a sweep's `data_file`): the label and the columns left out by name or number.
pub fn from_file(path: &std::path::Path, label: Option<&str>, left_out: &[String]) -> Result<Imported, String> {
    let fail = |e: CsvError| format!("{}: {e}", path.display());
    let size = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
    if size > MAX_BYTES as u64 {
        return Err(fail(CsvError::TooLarge(usize::try_from(size).unwrap_or(usize::MAX))));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    // As a browser's File.text() reads it: bytes that are not UTF-8 become U+FFFD.
    let text = String::from_utf8_lossy(&bytes);
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let table = csv_table::read(&name, &text).map_err(fail)?;
    let choice = ColumnChoice::named(&table, label, left_out).map_err(fail)?;
    build(&table, &choice).map_err(fail)
}
