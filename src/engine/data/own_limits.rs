//! What an own file may hold (rows, features, classes, values, bytes) and why
//! one is refused, with the line it was refused on: the words the CSV reader
//! ([`super::csv_table`]) and the import ([`super::own_data`]) share.

/// At most this many rows (the cap of a generated 2D set).
pub const MAX_ROWS: usize = crate::engine::config::caps::MAX_SAMPLES_2D;
/// At least this many, so train, validation and test each get some.
pub(crate) const MIN_ROWS: usize = 20;
/// At most this many features per row (an MNIST image).
pub(crate) const MAX_FEATURES: usize = 784;
/// At most this many classes (the image sets' ten).
pub(crate) const MAX_CLASSES: usize = 10;
/// At most this many feature values in all (rows × features), so a ticket
/// file and the browser's storage can carry the rows.
pub(crate) const MAX_VALUES: usize = 200_000;
/// Files above this size are refused unread.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Characters of a value quoted in a message.
const CLIP_CHARS: usize = 20;

/// Why a file was refused: each names the line (1-based) it found it on.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsvError {
    #[error("the file is {0} bytes; at most {MAX_BYTES} are read")]
    TooLarge(usize),
    #[error("there are no rows: expected lines of values with a label column, such as 0.5,-1.2,1")]
    Empty,
    #[error("line {line}: only one column; a row needs at least one feature and a label")]
    NoFeatures { line: usize },
    #[error("no feature column is left: {0}")]
    NoFeatureColumns(String),
    #[error("{features} features; at most {MAX_FEATURES} (leave some columns out)")]
    TooManyFeatures { features: usize },
    #[error("line {line}: {found} values, but line {first} has {expected}")]
    Ragged { line: usize, found: usize, expected: usize, first: usize },
    #[error("line {line}: more than {MAX_VALUES} feature values in all; at most {MAX_VALUES} are read")]
    TooManyValues { line: usize },
    #[error(
        "line {line}, column {column} ({name}): '{value}' is not a number, though the column's other values are; \
         mend the line or leave the column out"
    )]
    NotANumber { line: usize, column: usize, name: String, value: String },
    #[error("line {line}: more than {MAX_ROWS} rows; at most {MAX_ROWS} are read")]
    TooManyRows { line: usize },
    #[error(
        "line {line}: label '{label}' would be class {}; at most {MAX_CLASSES} classes (is {column} the label column?)",
        MAX_CLASSES + 1
    )]
    TooManyClasses { line: usize, label: String, column: String },
    #[error("every row has the label '{0}': at least two classes are needed")]
    OneClass(String),
    #[error("{rows} rows{left_out}; at least {MIN_ROWS} are needed to hold some out for validation and test")]
    TooFewRows { rows: usize, left_out: String },
    #[error("no column called '{name}'; the columns are {columns}")]
    NoSuchColumn { name: String, columns: String },
}

/// A value for a message: at most [`CLIP_CHARS`] characters.
pub(crate) fn clip(v: &str) -> String {
    let mut s: String = v.chars().take(CLIP_CHARS).collect();
    if v.chars().count() > CLIP_CHARS {
        s.push('…');
    }
    s
}
