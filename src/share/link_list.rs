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
        ListFormat::Tsv => format!("{}\t{url}", name.replace(['\t', '\n'], " ")),
        ListFormat::Markdown => {
            let text = name
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
        assert_eq!(list_line(ListFormat::Tsv, "a\tb.txt", "u"), "a b.txt\tu");
        assert_eq!(
            list_line(ListFormat::Markdown, "[x].pdf", "u"),
            "- [\\[x\\].pdf](u)"
        );
        let json: serde_json::Value =
            serde_json::from_str(&list_line(ListFormat::Json, "a\"b", "u")).unwrap();
        assert_eq!(json["key"], "a\"b");
    }
}
