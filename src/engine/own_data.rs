//! Your own data: a CSV file, or pasted text, of feature rows with a label
//! column (`x,y,label` for 2D points), read line by line. A problem is
//! reported with the line it is on; nothing half-read is ever used.
//!
//! The first line is a header when it names the label column (`label`,
//! `class`, `target` or `y`) or has no number in it; without a header the
//! label is the last column. Labels may be numbers or
//! words; class i is the i-th label in sorted order (numerically when every
//! label is a number), so the same file always gives the same classes.
//! Each feature column is scaled to -1..1 (its minimum to -1, its maximum
//! to 1), the range of the built-in 2D sets, so any units train alike and
//! 2D points fill the decision-region drawing.

use serde::{Deserialize, Serialize};

use super::data::Samples;

/// At most this many rows (the cap of a generated 2D set).
pub const MAX_ROWS: usize = super::config::caps::MAX_SAMPLES_2D;
/// At least this many, so train, validation and test each get some.
pub const MIN_ROWS: usize = 20;
/// At most this many features per row (an MNIST image).
pub const MAX_FEATURES: usize = 784;
/// At most this many classes (the image sets' ten).
pub const MAX_CLASSES: usize = 10;
/// At most this many feature values in all (rows × features), so a ticket
/// file and the browser's storage can carry the rows.
pub const MAX_VALUES: usize = 200_000;
/// Files above this size are refused unread.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Header names that mark the label column (compared without case), the first found winning.
pub const LABEL_NAMES: [&str; 4] = ["label", "class", "target", "y"];

/// Rows read from a file: the points a ticket file carries, so an
/// experiment on them can be shared and resumed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnData {
    /// The file's name, or "pasted text".
    pub name: String,
    pub features: usize,
    /// Class i's label as the file wrote it.
    pub labels: Vec<String>,
    /// Row-major feature values.
    pub x: Vec<f32>,
    /// Each row's class.
    pub y: Vec<u8>,
}

/// Why a file was refused: each names the line (1-based) it found it on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsvError {
    #[error("the file is {0} bytes; at most {MAX_BYTES} are read")]
    TooLarge(usize),
    #[error("there are no rows: expected lines of numbers with a label column, such as 0.5,-1.2,1")]
    Empty,
    #[error("line {line}: no label column: the header names none of {}", LABEL_NAMES.join(", "))]
    NoLabelColumn { line: usize },
    #[error("line {line}: only one column; a row needs at least one feature and a label")]
    NoFeatures { line: usize },
    #[error("line {line}: {features} features; at most {MAX_FEATURES}")]
    TooManyFeatures { line: usize, features: usize },
    #[error("line {line}: {found} values, but line {first} has {expected}")]
    Ragged { line: usize, found: usize, expected: usize, first: usize },
    #[error("line {line}: more than {MAX_VALUES} feature values in all; at most {MAX_VALUES} are read")]
    TooManyValues { line: usize },
    #[error("line {line}, column {column}: '{value}' is not a number")]
    NotANumber { line: usize, column: usize, value: String },
    #[error("line {line}: the label column is empty")]
    NoLabel { line: usize },
    #[error("line {line}: more than {MAX_ROWS} rows; at most {MAX_ROWS} are read")]
    TooManyRows { line: usize },
    #[error("line {line}: label '{label}' would be class {}; at most {MAX_CLASSES} classes", MAX_CLASSES + 1)]
    TooManyClasses { line: usize, label: String },
    #[error("every row has the label '{0}': at least two classes are needed")]
    OneClass(String),
    #[error("{0} rows; at least {MIN_ROWS} are needed to hold some out for validation and test")]
    TooFewRows(usize),
}

/// A value for a message: at most 20 characters.
fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(20).collect();
    if v.chars().count() > 20 {
        s.push('…');
    }
    s
}

fn fields(line: &str) -> Vec<&str> {
    line.split(',').map(str::trim).collect()
}

/// Read CSV text (comma-separated; blank lines and lines starting with `#` skipped).
pub fn parse(name: &str, text: &str) -> Result<OwnData, CsvError> {
    if text.len() > MAX_BYTES {
        return Err(CsvError::TooLarge(text.len()));
    }
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .peekable();
    let &(first_line, first) = lines.peek().ok_or(CsvError::Empty)?;
    let head = fields(first);
    if head.len() < 2 {
        return Err(CsvError::NoFeatures { line: first_line });
    }
    // The first line is a header when it names a label column, or when none of it is a number.
    // The first name in LABEL_NAMES order wins (so `x,y,label` labels by `label`).
    let named = LABEL_NAMES.iter().find_map(|n| head.iter().position(|f| f.eq_ignore_ascii_case(n)));
    let has_header = named.is_some() || head.iter().all(|f| f.parse::<f64>().is_err());
    let label_column = match (has_header, named) {
        (true, Some(column)) => column,
        (true, None) => return Err(CsvError::NoLabelColumn { line: first_line }),
        (false, _) => head.len() - 1,
    };
    if has_header {
        lines.next();
    }
    let width = head.len();
    let features = width - 1;
    if features > MAX_FEATURES {
        return Err(CsvError::TooManyFeatures { line: first_line, features });
    }
    let mut x = Vec::new();
    let mut raw_labels: Vec<(usize, String)> = Vec::new();
    for (line, text) in lines {
        if raw_labels.len() == MAX_ROWS {
            return Err(CsvError::TooManyRows { line });
        }
        if x.len() + features > MAX_VALUES {
            return Err(CsvError::TooManyValues { line });
        }
        let row = fields(text);
        if row.len() != width {
            return Err(CsvError::Ragged { line, found: row.len(), expected: width, first: first_line });
        }
        for (column, value) in row.iter().enumerate() {
            if column == label_column {
                continue;
            }
            match value.parse::<f32>() {
                Ok(v) if v.is_finite() => x.push(v),
                _ => return Err(CsvError::NotANumber { line, column: column + 1, value: clip(value) }),
            }
        }
        let label = row[label_column];
        if label.is_empty() {
            return Err(CsvError::NoLabel { line });
        }
        raw_labels.push((line, label.to_string()));
    }
    let labels = classes(&raw_labels)?;
    let rows = raw_labels.len();
    if rows < MIN_ROWS {
        return Err(CsvError::TooFewRows(rows));
    }
    let y = raw_labels.iter().map(|(_, l)| labels.iter().position(|c| c == l).expect("a listed label") as u8).collect();
    scale_columns(&mut x, features);
    Ok(OwnData { name: name.to_string(), features, labels, x, y })
}

/// Scale each column of row-major `x` to -1..1; a constant column becomes 0.
fn scale_columns(x: &mut [f32], features: usize) {
    for j in 0..features {
        let column = || x.iter().skip(j).step_by(features);
        let lo = column().copied().fold(f32::INFINITY, f32::min);
        let hi = column().copied().fold(f32::NEG_INFINITY, f32::max);
        let span = hi - lo;
        for v in x.iter_mut().skip(j).step_by(features) {
            *v = if span > 0.0 { 2.0 * (*v - lo) / span - 1.0 } else { 0.0 };
        }
    }
}

/// The distinct labels in class order: numerically when all are numbers, else as text.
fn classes(raw: &[(usize, String)]) -> Result<Vec<String>, CsvError> {
    let mut labels: Vec<String> = Vec::new();
    for (line, l) in raw {
        if !labels.contains(l) {
            if labels.len() == MAX_CLASSES {
                return Err(CsvError::TooManyClasses { line: *line, label: clip(l) });
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

impl OwnData {
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
        Samples { features: self.features, classes: self.classes(), x: self.x.clone(), y: self.y.clone() }
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
