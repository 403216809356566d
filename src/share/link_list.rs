//! Several links as one text for the clipboard or stdout: `name<TAB>link` lines, a Markdown
//! list, or JSON lines. As secret as the links in it.

use serde::{Deserialize, Serialize};

/// How several links are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
pub enum ListFormat {
    /// `name<TAB>link`, one per line (pastes into a spreadsheet).
    #[default]
    Tsv,
    /// `- [name](link)`, one per line (pastes into chat and documents).
    Markdown,
    /// `{"key": …, "url": …}` per line (scripts).
    Json,
}

impl ListFormat {
    pub fn label(self) -> &'static str {
        match self {
            ListFormat::Tsv => "Lines: name, tab, link",
            ListFormat::Markdown => "Markdown list",
            ListFormat::Json => "JSON lines",
        }
    }
}

/// One line for `name` (the file name, or the key in the CLI) and its link.
pub fn list_line(format: ListFormat, name: &str, url: &str) -> String {
    match format {
        ListFormat::Tsv => format!("{}\t{url}", super::escape::field(name)),
        ListFormat::Markdown => {
            let text = super::escape::field(name)
                .replace('\\', "\\\\")
                .replace('[', "\\[")
                .replace(']', "\\]");
            format!("- [{text}]({url})")
        }
        ListFormat::Json => serde_json::json!({ "key": name, "url": url }).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_keeps_names_from_breaking_the_list() {
        assert_eq!(list_line(ListFormat::Tsv, "a\tb.txt", "u"), "a\\tb.txt\tu");
        assert_eq!(
            list_line(ListFormat::Tsv, "x\u{1b}]52;c;AA\u{7}\ry", "u"),
            "x\\x1b]52;c;AA\\x07\\ry\tu"
        );
        assert_eq!(
            list_line(ListFormat::Markdown, "a\nb", "u"),
            "- [a\\\\nb](u)"
        );
        assert_eq!(
            list_line(ListFormat::Markdown, "[x].pdf", "u"),
            "- [\\[x\\].pdf](u)"
        );
        let json: serde_json::Value =
            serde_json::from_str(&list_line(ListFormat::Json, "a\"b", "u")).unwrap();
        assert_eq!(json["key"], "a\"b");
    }
}
