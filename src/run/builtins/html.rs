//! HTML built-ins: to plain text, from plain text, and cleaning.

use super::text_argument;
use crate::run::value::Value;

/// Wide enough that html2text never wraps a line of a ticket body.
const NO_WRAP_WIDTH: usize = 100_000;

/// `html_to_text(html)`: readable plain text; scripts and styles dropped, link targets listed as
/// footnotes, lines not wrapped, no trailing white space.
pub fn html_to_text(args: &[Value]) -> Result<Value, String> {
    let html = text_argument(args, 0, "html")?;
    let rendered = html2text::config::plain_no_decorate()
        .link_footnotes(true)
        .no_table_borders()
        .string_from_read(html.as_bytes(), NO_WRAP_WIDTH)
        .map_err(|error| format!("cannot read the HTML: {error}"))?;
    let mut text = String::with_capacity(rendered.len());
    for line in rendered.lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    Ok(Value::text(text.trim_start_matches('\n').trim_end()))
}

/// `text_to_html(text)`: escaped, line breaks as `<br>`, in one paragraph.
pub fn text_to_html(args: &[Value]) -> Result<Value, String> {
    let text = text_argument(args, 0, "text")?;
    let mut html = String::with_capacity(text.len() + 7);
    html.push_str("<p>");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            '\r' => {
                chars.next_if_eq(&'\n');
                html.push_str("<br>");
            }
            '\n' => html.push_str("<br>"),
            other => html.push(other),
        }
    }
    html.push_str("</p>");
    Ok(Value::text(html))
}

/// `sanitize_html(html)`: without scripts, event handlers and unsafe URLs (ammonia's defaults).
pub fn sanitize_html(args: &[Value]) -> Result<Value, String> {
    Ok(Value::text(ammonia::clean(text_argument(args, 0, "html")?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn to_text(html: &str) -> String {
        html_to_text(&[Value::text(html)]).unwrap().to_string()
    }

    #[test]
    fn html_to_text_drops_scripts_and_styles() {
        let html = "<html><head><style>p { color: red }</style><script>alert(1)</script></head>\
                    <body><p>Hello <b>World</b></p><script>track();</script><p>Bye</p></body></html>";
        assert_eq!(to_text(html), "Hello World\n\nBye");
    }

    #[test]
    fn html_to_text_keeps_links_as_footnotes() {
        let html = "<p>See <a href=\"https://example.com/kb\">the article</a>.</p>";
        assert_eq!(to_text(html), "See [the article][1].\n\n[1]: https://example.com/kb");
    }

    #[test]
    fn html_to_text_neither_wraps_nor_leaves_trailing_white_space() {
        let long = "word ".repeat(2_000);
        assert_eq!(to_text(&format!("<p>{long}</p>")), long.trim_end());
        let table = "<table><tr><td>Kind regards,<br>Ann</td><td>logo</td></tr></table><p>after&nbsp;</p>";
        let text = to_text(table);
        assert!(text.lines().all(|line| line == line.trim_end()), "{text:?}");
        assert!(text.ends_with("\n\nafter"), "{text:?}");
        assert_eq!(to_text(""), "");
        assert_eq!(to_text("<ul><li>one</li><li>two</li></ul>"), "* one\n* two");
    }

    #[test]
    fn text_to_html_escapes_and_keeps_line_breaks() {
        let html = text_to_html(&[Value::text("<b>Tom & \"Jerry\"</b> it's\r\nnext\rlast\n")]).unwrap();
        assert_eq!(
            html.to_string(),
            "<p>&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt; it&#39;s<br>next<br>last<br></p>"
        );
        assert_eq!(text_to_html(&[Value::text("")]).unwrap().to_string(), "<p></p>");
    }

    #[test]
    fn sanitize_html_removes_scripts_handlers_and_unsafe_urls() {
        let html = "<p onclick=\"x()\">a<script>x()</script> <a href=\"javascript:x()\">b</a></p>";
        let clean = sanitize_html(&[Value::text(html)]).unwrap().to_string();
        assert_eq!(clean, "<p>a <a rel=\"noopener noreferrer\">b</a></p>");
    }
}
