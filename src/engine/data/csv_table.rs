//! A CSV file as people have it, read into a table of text fields: the
//! `csv` crate reads RFC 4180 (quoted fields, doubled quotes, CRLF); this
//! module sniffs what a file does not say about itself.
//!
//! - **The delimiter**: comma, semicolon or tab, whichever splits the first
//!   lines into the same number (at least two) of clean fields.
//! - **Decimal commas** (`5,1`) where the delimiter is not a comma: what a
//!   spreadsheet in most of Europe saves as CSV.
//! - **A header**, the way Python's `csv.Sniffer.has_header` decides: each
//!   column votes by whether the first line's field parses like the fields
//!   below it (a number over numbers is data; a word over numbers is a
//!   name). scikit-learn's own CSVs begin with a count line
//!   (`150,4,setosa,versicolor,virginica`: rows, features, class names): it
//!   is recognised, and its class names name the classes.
//! - **Missing values**: a field that is empty or one of [`MISSING`] (the
//!   spellings pandas reads as missing, the common ones).
//!
//! A problem is reported with the line it is on; nothing half-read is used.

use crate::engine::data::own_limits::{CsvError, MAX_BYTES, MAX_ROWS, clip};

/// The delimiters tried, in the order a tie goes.
pub(crate) const DELIMITERS: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];
/// Field values read as missing (compared without case), besides an empty field.
pub(crate) const MISSING: [&str; 9] = ["NA", "N/A", "#N/A", "<NA>", "NaN", "-NaN", "null", "None", "?"];
/// Lines after the first that the delimiter and the header are sniffed from
/// (Python's Sniffer also looks at 20).
const SNIFF_ROWS: usize = 20;
/// Lines starting with this are comments.
const COMMENT: char = '#';

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Delimiter::Comma => "commas",
            Delimiter::Semicolon => "semicolons",
            Delimiter::Tab => "tabs",
        }
    }

    /// A comma inside a field is a decimal comma unless commas separate fields.
    pub(crate) fn decimal_comma(self) -> bool {
        self != Delimiter::Comma
    }
}

/// What the first line turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Header {
    /// The first line is data; columns are called "column 1", "column 2", ….
    None,
    /// The first line names the columns (on this line).
    Names { line: usize },
    /// scikit-learn's count line: rows, features, then the class names.
    Counts { line: usize, class_names: Vec<String> },
    /// A first line of another width whose fields are not data (a title, say).
    Other { line: usize },
}

/// One data line: its number in the file (1-based) and its fields, trimmed.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub line: usize,
    pub fields: Vec<String>,
}

/// A CSV file read as text fields: every row has one field per column.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The file's name, or "pasted text".
    pub name: String,
    pub delimiter: Delimiter,
    pub header: Header,
    /// Each column's name: the header's, else "column N".
    pub columns: Vec<String>,
    pub rows: Vec<Row>,
}

/// Whether a field is a missing value.
pub(crate) fn is_missing(field: &str) -> bool {
    field.is_empty() || MISSING.iter().any(|m| field.eq_ignore_ascii_case(m))
}

/// A field as a finite number: `1.5`, `-2e3`, and `1,5` where commas do not
/// separate fields. `nan` and `inf` are not numbers here.
pub fn number(field: &str, delimiter: Delimiter) -> Option<f64> {
    let parsed = match delimiter.decimal_comma() && field.contains(',') && !field.contains('.') {
        true => field.replacen(',', ".", 1).parse::<f64>(),
        false => field.parse::<f64>(),
    };
    parsed.ok().filter(|v| v.is_finite())
}

/// The records of `text` split by `delimiter`: (line, fields), comments and blank lines skipped.
fn records(text: &str, delimiter: Delimiter) -> impl Iterator<Item = (usize, Vec<String>)> + '_ {
    // Comments are skipped here, not by csv's `comment`: a record's position is where the reader
    // began looking for it, so a skipped line before it would shift its line number.
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    // The input is a &str, so the only error csv can meet (invalid UTF-8) cannot happen.
    reader
        .into_records()
        .map_while(Result::ok)
        .map(|r| {
            // csv skips empty lines before a record but reports the position of the first of them.
            let (line, byte) = r.position().map_or((0, 0), |p| (p.line() as usize, p.byte() as usize));
            let skipped = text.as_bytes()[byte.min(text.len())..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .filter(|&&b| b == b'\n')
                .count();
            (line + skipped, r.iter().map(str::to_string).collect::<Vec<_>>())
        })
        // A line of spaces is a blank line too; a line starting with # is a comment.
        .filter(|(_, fields)| !(fields.len() == 1 && fields[0].is_empty()))
        .filter(|(_, fields)| !fields[0].starts_with(COMMENT))
}

/// The width most of `widths` have (the first such on a tie).
fn mode(widths: &[usize]) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for &w in widths {
        let n = widths.iter().filter(|&&v| v == w).count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((w, n));
        }
    }
    best.map(|(w, _)| w)
}

/// The delimiter that splits the first lines most consistently into at least
/// two fields; on a tie, the one whose fields hold fewest other delimiters
/// (so `5,1;3,5` is two decimal-comma numbers, not three fragments).
fn sniff_delimiter(text: &str) -> Delimiter {
    let score = |d: Delimiter| {
        let sample: Vec<Vec<String>> = records(text, d).take(SNIFF_ROWS + 1).map(|(_, f)| f).collect();
        let widths: Vec<usize> = sample.iter().map(Vec::len).collect();
        let width = mode(&widths).unwrap_or(0);
        let agreeing = if width >= 2 { widths.iter().filter(|&&w| w == width).count() } else { 0 };
        let others: Vec<u8> = DELIMITERS.iter().map(|o| o.byte()).filter(|&b| b != d.byte()).collect();
        let unclean = sample
            .iter()
            .flatten()
            .filter(|f| number(f, d).is_none() && f.bytes().any(|b| others.contains(&b)))
            .count();
        (agreeing, std::cmp::Reverse(unclean))
    };
    // max_by_key keeps the last maximum: go through the delimiters backwards so a tie goes to the first.
    DELIMITERS.iter().rev().copied().max_by_key(|&d| score(d)).unwrap_or(Delimiter::Comma)
}

/// How a column's sampled values look, for the header vote.
#[derive(PartialEq)]
enum Kind {
    Number,
    /// Every value has this many characters (Python's Sniffer votes on length too).
    Length(usize),
    Mixed,
}

/// Python's `has_header`: each column whose sampled values agree on a kind
/// votes for a header when the first line's field is not of that kind, and
/// against when it is. A tie is a header only when no field of the first line is a number.
fn has_header(first: &[String], below: &[&Row], delimiter: Delimiter) -> bool {
    let mut votes = 0i64;
    for (column, head) in first.iter().enumerate() {
        let values: Vec<&str> = below.iter().map(|r| r.fields[column].as_str()).filter(|f| !is_missing(f)).collect();
        let Some(v0) = values.first() else { continue };
        let kind = if values.iter().all(|v| number(v, delimiter).is_some()) {
            Kind::Number
        } else if values.iter().all(|v| v.chars().count() == v0.chars().count()) {
            Kind::Length(v0.chars().count())
        } else {
            Kind::Mixed
        };
        votes += match kind {
            Kind::Number if number(head, delimiter).is_some() => -1,
            Kind::Number => 1,
            Kind::Length(n) if head.chars().count() == n => -1,
            Kind::Length(_) => 1,
            Kind::Mixed => 0,
        };
    }
    votes > 0 || (votes == 0 && first.iter().all(|f| number(f, delimiter).is_none()))
}

/// scikit-learn's count line: the number of rows, of features (columns less
/// the target), then class names (words). Returns the class names.
fn counts_line(first: &[String], rows: usize, width: usize, delimiter: Delimiter) -> Option<Vec<String>> {
    let [n_rows, n_features, names @ ..] = first else { return None };
    let names_are_words = !names.is_empty() && names.iter().all(|n| number(n, delimiter).is_none() && !n.is_empty());
    let counts = n_rows.parse::<usize>().ok() == Some(rows) && n_features.parse::<usize>().ok() == Some(width - 1);
    (counts && names_are_words).then(|| names.to_vec())
}

/// Read CSV text into a table: the delimiter and a header sniffed, every row
/// checked to have the table's width. Fields stay text; [`crate::engine::data::own_data`]
/// decides what each column is.
pub fn read(name: &str, text: &str) -> Result<Table, CsvError> {
    if text.len() > MAX_BYTES {
        return Err(CsvError::TooLarge(text.len()));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let delimiter = sniff_delimiter(text);
    let mut all = records(text, delimiter);
    let (first_line, first) = all.next().ok_or(CsvError::Empty)?;
    let mut rows = Vec::new();
    for (line, fields) in all {
        // Enough to name the first row past the cap, header or not; the rest is never held.
        if rows.len() > MAX_ROWS + 1 {
            break;
        }
        rows.push(Row { line, fields });
    }
    // The width of the rows below the first line decides whether the first is of another kind.
    let sample_widths: Vec<usize> = rows.iter().take(SNIFF_ROWS).map(|r| r.fields.len()).collect();
    let below_width = mode(&sample_widths).unwrap_or(first.len());
    let counts = counts_line(&first, rows.len(), below_width, delimiter);
    let first_is_data_shaped = first.len() == below_width;
    let header = if let Some(class_names) = counts {
        Header::Counts { line: first_line, class_names }
    } else if first_is_data_shaped {
        let sample: Vec<&Row> = rows.iter().take(SNIFF_ROWS).filter(|r| r.fields.len() == first.len()).collect();
        match has_header(&first, &sample, delimiter) {
            true => Header::Names { line: first_line },
            false => Header::None,
        }
    } else if first.iter().any(|f| number(f, delimiter).is_none()) && rows.len() > 1 {
        Header::Other { line: first_line }
    } else {
        Header::None
    };
    let columns: Vec<String> = match &header {
        Header::Names { .. } => first
            .iter()
            .enumerate()
            .map(|(i, f)| if f.is_empty() { format!("column {}", i + 1) } else { f.clone() })
            .collect(),
        _ => (1..=below_width.max(first.len())).map(|i| format!("column {i}")).collect(),
    };
    if header == Header::None {
        rows.insert(0, Row { line: first_line, fields: first });
    }
    if rows.len() > MAX_ROWS {
        return Err(CsvError::TooManyRows { line: rows[MAX_ROWS].line });
    }
    let Some(row0) = rows.first() else { return Err(CsvError::Empty) };
    let width = match header {
        Header::Names { .. } => columns.len(),
        _ => row0.fields.len(),
    };
    let first_of_width = match header {
        Header::Names { line } => line,
        _ => row0.line,
    };
    if width < 2 {
        return Err(CsvError::NoFeatures { line: first_of_width });
    }
    if let Some(r) = rows.iter().find(|r| r.fields.len() != width) {
        return Err(CsvError::Ragged { line: r.line, found: r.fields.len(), expected: width, first: first_of_width });
    }
    let columns = columns.into_iter().take(width).collect();
    Ok(Table { name: name.to_string(), delimiter, header, columns, rows })
}

impl Table {
    /// The column called `name` (without case), or by its number from 1.
    pub fn column(&self, name: &str) -> Result<usize, CsvError> {
        let by_name = self.columns.iter().position(|c| c.eq_ignore_ascii_case(name.trim()));
        let by_number =
            name.trim().parse::<usize>().ok().filter(|n| (1..=self.columns.len()).contains(n)).map(|n| n - 1);
        by_name.or(by_number).ok_or_else(|| CsvError::NoSuchColumn {
            name: clip(name),
            columns: self.columns.iter().map(|c| clip(c)).collect::<Vec<_>>().join(", "),
        })
    }

    /// What the reader found, in a phrase: "semicolons, decimal commas, a header".
    pub fn described(&self) -> String {
        let header = match &self.header {
            Header::None => "no header",
            Header::Names { .. } => "a header",
            Header::Counts { .. } => "scikit-learn's count line",
            Header::Other { .. } => "a first line that is not data",
        };
        let decimal = if self.delimiter.decimal_comma() { " (decimal commas read)" } else { "" };
        format!("{} rows separated by {}{decimal}, {header}", self.rows.len(), self.delimiter.name())
    }
}
