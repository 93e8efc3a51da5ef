//! What a ticket file is tagged with (format and version), how large one may
//! be, and why one is refused: the words every reader of a ticket file shares,
//! below the checkpoint that reads it and the errors that carry them.

/// The `format` field of every ticket file.
pub(crate) const FORMAT: &str = "lottery-ticket-lab/ticket";
/// The version this build writes and reads.
pub(crate) const VERSION: u32 = 1;
/// Larger files are refused before parsing (a LeNet ticket of 30 rounds with
/// θk is about 6 MB).
pub const MAX_FILE_BYTES: usize = 64 << 20;

/// Why a ticket file (or a saved experiment) was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TicketError {
    #[error("the file is {0} bytes; at most {MAX_FILE_BYTES} are read")]
    TooLarge(usize),
    #[error("not a ticket file: {0}")]
    NotJson(String),
    #[error("not a Lottery Ticket Lab ticket (its format is {0:?}, expected {FORMAT:?})")]
    Format(String),
    #[error("ticket format version {0} is not supported; this lab reads version {VERSION}")]
    Version(u64),
    #[error("its configuration is refused: {0}")]
    Config(String),
    #[error("{0}")]
    Content(String),
}
