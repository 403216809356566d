//! Text from outside (object keys, bucket names, server messages, file names) on its way to
//! a terminal or a line format. A key may hold ESC (colour, clearing the screen, OSC 52
//! clipboard writes), CR (overwriting a line), newlines (splitting one record in two) and
//! direction overrides (showing a name backwards). Each is written as a visible escape, so
//! one record stays one line and what is shown is what is there; `--format json` keeps the
//! exact text for scripts.

use std::borrow::Cow;

/// Characters that change how text is laid out rather than showing as themselves: bidi
/// marks, embeddings, overrides and isolates, line and paragraph separators, the BOM.
fn is_layout_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// True when `c` must not reach a terminal as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_layout_control(c)
}

fn escape(s: &str, backslash: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || (backslash && c == '\\')) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' if backslash => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A message for a person (stderr, a summary line): control and direction characters
/// escaped; a backslash stays itself (Windows paths read as they are).
pub fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// A field of a line-based record (a key in `ls`, a name in a tab-separated list): as
/// `text`, and a backslash doubled, so the escaped form reads back to exactly one string.
pub fn field(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        assert!(matches!(text("Q3 report — été.pdf"), Cow::Borrowed(_)));
        assert!(matches!(field("a/b c.txt"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_controls_become_visible() {
        let osc52 = "x\u{1b}]52;c;ZXZpbA==\u{7}y";
        assert_eq!(text(osc52), "x\\x1b]52;c;ZXZpbA==\\x07y");
        assert_eq!(text("a\rb\nc\td"), "a\\rb\\nc\\td");
        assert_eq!(text("\u{1b}[2J"), "\\x1b[2J");
        assert_eq!(text("c1\u{9b}31m"), "c1\\u{009b}31m");
        assert_eq!(text("evil\u{202e}fdp.exe"), "evil\\u{202e}fdp.exe");
        assert_eq!(text("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(text("del\u{7f}"), "del\\x7f");
    }

    #[test]
    fn no_escaped_text_holds_a_control_character() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            assert!(!text(&s).chars().any(is_unsafe), "{c:?}");
            assert!(!field(&s).chars().any(is_unsafe), "{c:?}");
        }
    }

    #[test]
    fn fields_are_unambiguous() {
        // A key holding a backslash-n and a key holding a newline differ when escaped.
        assert_eq!(field("a\\nb"), "a\\\\nb");
        assert_eq!(field("a\nb"), "a\\nb");
        assert_ne!(field("a\\nb"), field("a\nb"));
        assert_eq!(text("C:\\Users"), "C:\\Users");
    }
}
