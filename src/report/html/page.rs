//! The skeleton of every HTML page: document head with the inline style sheet, the answer
//! block, sections, tables, inline SVG figures and definition lists.
//!
//! Text goes in as `&str` and is escaped here; markup that is already HTML goes in as
//! [`Html`], so a string from a report can only reach the page escaped.

use std::fmt::Write as _;

use crate::i18n::Texts;

/// A piece of HTML that is safe to insert as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// Markup written by this module's callers from literals and escaped values.
    pub fn raw(markup: impl Into<String>) -> Self {
        Html(markup.into())
    }

    /// `text` escaped for use in element content and quoted attribute values.
    pub fn text(text: &str) -> Self {
        Html(escape(text))
    }

    /// Creates an empty fragment.
    pub fn new() -> Self {
        Html(String::new())
    }

    /// Appends `other`.
    pub fn push(&mut self, other: Html) {
        self.0.push_str(&other.0);
    }

    /// Appends `<tag>text</tag>` with `text` escaped.
    pub fn push_element(&mut self, tag: &str, text: &str) {
        let _ = write!(self.0, "<{tag}>{}</{tag}>", escape(text));
    }

    /// Appends `<tag class="class">inner</tag>`.
    pub fn push_wrapped(&mut self, tag: &str, class: &str, inner: Html) {
        let _ = write!(
            self.0,
            "<{tag} class=\"{}\">{}</{tag}>",
            escape(class),
            inner.0
        );
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Escapes `&`, `<`, `>`, `"` and `'`.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// The tone of the answer block, which sets its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Positive,
    Negative,
    Inconclusive,
    /// For pages without a verdict, such as a test design.
    Neutral,
}

impl Tone {
    fn class(self) -> &'static str {
        match self {
            Tone::Positive => "tone-positive",
            Tone::Negative => "tone-negative",
            Tone::Inconclusive => "tone-inconclusive",
            Tone::Neutral => "tone-neutral",
        }
    }
}

/// A whole HTML page, built top to bottom.
pub struct Page<'a> {
    texts: &'a Texts,
    title: String,
    header: Html,
    body: Html,
    footer: Html,
    contents: Vec<(String, String)>,
}

impl<'a> Page<'a> {
    /// Starts a page titled `title`, with `subtitle` (e.g. the kind of report) under it.
    pub fn new(texts: &'a Texts, title: &str, subtitle: &str) -> Self {
        let mut header = Html::new();
        header.push_element("h1", title);
        header.push_wrapped("p", "subtitle", Html::text(subtitle));
        Page {
            texts,
            title: title.to_string(),
            header,
            body: Html::new(),
            footer: Html::new(),
            contents: Vec::new(),
        }
    }

    /// Returns the texts of the page's language.
    pub fn texts(&self) -> &'a Texts {
        self.texts
    }

    /// Adds the answer block: a headline in the tone's colour and the paragraphs below it.
    pub fn answer(&mut self, heading: &str, tone: Tone, headline: &str, details: Html) {
        let _ = write!(
            self.body.0,
            "<section class=\"answer {}\" aria-labelledby=\"answer\">\
             <h2 id=\"answer\">{}</h2><p class=\"headline\">{}</p>{}</section>",
            tone.class(),
            escape(heading),
            escape(headline),
            details.0
        );
    }

    /// Adds a section with the anchor `id` and a heading, listed in the table of contents.
    pub fn section(&mut self, id: &str, heading: &str, content: Html) {
        let _ = write!(
            self.body.0,
            "<section id=\"{}\"><h2>{}</h2>{}</section>",
            escape(id),
            escape(heading),
            content.0
        );
        self.contents.push((id.to_string(), heading.to_string()));
    }

    /// Sets the markup shown at the end of the page, e.g. the tool version.
    pub fn footer(&mut self, footer: Html) {
        self.footer = footer;
    }

    /// Returns the finished document.
    pub fn finish(self) -> String {
        let texts = self.texts;
        let mut contents = Html::new();
        if !self.contents.is_empty() {
            let mut items = String::new();
            for (id, heading) in &self.contents {
                let _ = write!(
                    items,
                    "<li><a href=\"#{}\">{}</a></li>",
                    escape(id),
                    escape(heading)
                );
            }
            contents = Html(format!(
                "<nav aria-label=\"{}\"><ol>{items}</ol></nav>",
                escape(texts.t("html.page.contents"))
            ));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'\">\n\
             <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
             <header>{header}</header>\n{contents}\n<main>\n{body}\n</main>\n{footer}\n</body>\n</html>\n",
            lang = texts.lang().code(),
            title = escape(&self.title),
            header = self.header.0,
            body = self.body.0,
            footer = self.footer.0,
            contents = contents.0,
        )
    }
}

/// A table with a header row; columns marked numeric are right-aligned.
pub struct Table {
    headers: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<Vec<Html>>,
    class: &'static str,
}

impl Table {
    /// Creates a table with these column headers; `numeric[i]` right-aligns column `i`.
    pub fn new(headers: &[&str], numeric: &[bool]) -> Self {
        Table {
            headers: headers.iter().map(|header| header.to_string()).collect(),
            numeric: numeric.to_vec(),
            rows: Vec::new(),
            class: "",
        }
    }

    /// Sets a CSS class on the table, e.g. `compact` for a wide table in small print.
    pub fn with_class(mut self, class: &'static str) -> Self {
        self.class = class;
        self
    }

    /// Adds a row of plain texts.
    pub fn row(&mut self, cells: &[&str]) {
        self.rows
            .push(cells.iter().map(|cell| Html::text(cell)).collect());
    }

    /// Adds a row of markup.
    pub fn row_html(&mut self, cells: Vec<Html>) {
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as markup, inside a wrapper that scrolls on narrow screens.
    pub fn render(&self) -> Html {
        let numeric = |index: usize| self.numeric.get(index).copied().unwrap_or(false);
        let mut markup = format!(
            "<div class=\"table\"><table class=\"{}\"><thead><tr>",
            self.class
        );
        for (index, header) in self.headers.iter().enumerate() {
            let class = if numeric(index) { " class=\"num\"" } else { "" };
            let _ = write!(markup, "<th scope=\"col\"{class}>{}</th>", escape(header));
        }
        markup.push_str("</tr></thead><tbody>");
        for row in &self.rows {
            markup.push_str("<tr>");
            for (index, cell) in row.iter().enumerate() {
                let class = if numeric(index) { " class=\"num\"" } else { "" };
                let _ = write!(markup, "<td{class}>{}</td>", cell.0);
            }
            markup.push_str("</tr>");
        }
        markup.push_str("</tbody></table></div>");
        Html(markup)
    }
}

/// Renders a list of terms and their descriptions, e.g. the parameters of a run.
pub fn definition_list(items: &[(String, Html)]) -> Html {
    let mut markup = String::from("<dl>");
    for (term, description) in items {
        let _ = write!(
            markup,
            "<dt>{}</dt><dd>{}</dd>",
            escape(term),
            description.0
        );
    }
    markup.push_str("</dl>");
    Html(markup)
}

/// Renders a paragraph of plain text.
pub fn paragraph(text: &str) -> Html {
    Html(format!("<p>{}</p>", escape(text)))
}

/// Renders a paragraph in the smaller, muted style of notes.
pub fn note(text: &str) -> Html {
    Html(format!("<p class=\"note\">{}</p>", escape(text)))
}

/// Renders a chart as an inline SVG figure with an optional caption under it.
///
/// `svg` is the text of an SVG file: the XML prolog, a doctype and comments before the root
/// element are dropped, and so is the root's `xmlns` attribute, which HTML does not need.
pub fn figure(svg: &str, caption: Option<&str>) -> Html {
    let mut markup = String::from("<figure>");
    markup.push_str(&inline_svg(svg));
    if let Some(caption) = caption {
        let _ = write!(markup, "<figcaption>{}</figcaption>", escape(caption));
    }
    markup.push_str("</figure>");
    Html(markup)
}

/// Returns the SVG text from its root element on, without the SVG namespace attribute.
pub fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let root = &svg[start..];
    let root_end = root.find('>').unwrap_or(root.len());
    let (open_tag, rest) = root.split_at(root_end);
    let open_tag = open_tag.replace(" xmlns=\"http://www.w3.org/2000/svg\"", "");
    format!("{open_tag}{}", rest.trim_end())
}

/// Renders a `<code>` element, e.g. for file names and hashes.
pub fn code(text: &str) -> Html {
    Html(format!("<code>{}</code>", escape(text)))
}

/// The style sheet of every page. Colours match the charts: treated blue, counterfactual
/// orange. System fonts only, so the page loads nothing.
const STYLE: &str = r#":root { --ink: #222; --muted: #555; --line: #d0d0d0; --accent: #1f4e79;
  --positive: #2e7d32; --negative: #b23a3a; --inconclusive: #8a6d1f; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 62rem; padding: 1.5rem 1.25rem 3rem; color: var(--ink);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 1.3rem 0 .4rem; }
p { margin: .4rem 0 .7rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
nav ol { margin: 0; padding: 0; list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.1rem;
  font-size: .9rem; }
nav a { color: var(--accent); }
.answer { border: 1px solid var(--line); border-left: 8px solid var(--inconclusive);
  border-radius: 6px; padding: .6rem 1.2rem .8rem; margin: 1rem 0 1.5rem; background: #fbfaf6; }
.answer h2 { border: 0; margin: .3rem 0 0; font-size: .95rem; text-transform: uppercase;
  letter-spacing: .05em; color: var(--muted); }
.answer .headline { font-size: 1.6rem; font-weight: 700; margin: .1rem 0 .4rem; }
.answer .figure-line { font-size: 1.15rem; }
.tone-positive { border-left-color: var(--positive); background: #f5faf5; }
.tone-positive .headline { color: var(--positive); }
.tone-negative { border-left-color: var(--negative); background: #fcf5f5; }
.tone-negative .headline { color: var(--negative); }
.tone-inconclusive .headline { color: var(--inconclusive); }
.tone-neutral { border-left-color: var(--accent); background: #f6f8fb; }
.tone-neutral .headline { color: var(--accent); }
.verdict { font-weight: 600; white-space: nowrap; }
.verdict-positive { color: var(--positive); }
.verdict-negative { color: var(--negative); }
.verdict-inconclusive { color: var(--inconclusive); }
.verdicts { padding-left: 1.2rem; margin: .3rem 0 .7rem; }
.verdicts li { margin-bottom: .25rem; }
.verdicts .verdict { white-space: normal; }
.verdict-info { color: var(--ink); font-weight: 400; }
.table { overflow-x: auto; margin: .5rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { border-bottom: 2px solid #999; font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.compact { font-size: .82rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .85em; }
code.hash { overflow-wrap: anywhere; }
.num .note { white-space: normal; }
th.num { white-space: normal; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: .5rem 0 1rem; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
figure { margin: 1rem 0 1.5rem; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #eee; }
figcaption { color: var(--muted); font-size: .9rem; margin-top: .3rem; }
.note { color: var(--muted); font-size: .9rem; }
.warnings { padding-left: 1.2rem; }
.warnings li { margin-bottom: .7rem; }
.warnings .action { display: block; color: var(--muted); }
.ok { color: var(--positive); }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
@page { size: A4; margin: 15mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  .answer, figure, tr, dl, li { break-inside: avoid; page-break-inside: avoid; }
  .answer { background: none; }
  .table { overflow: visible; }
  table { font-size: 8.5pt; }
  table.compact { font-size: 7.5pt; }
  th, td { padding: .15rem .3rem; }
  figure svg { max-height: 230mm; border: 0; }
  a { color: inherit; text-decoration: none; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn escape_covers_markup_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn inline_svg_drops_prolog_and_namespace() {
        let svg = "<?xml version=\"1.0\"?>\n<!-- c -->\n<svg width=\"10\" \
                   xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>\n";
        assert_eq!(inline_svg(svg), "<svg width=\"10\"><rect/></svg>");
    }

    #[test]
    fn table_escapes_cells_and_marks_numbers() {
        let mut table = Table::new(&["name", "value"], &[false, true]);
        table.row(&["<b>", "1"]);
        let markup = table.render();
        assert!(
            markup.as_str().contains("<td>&lt;b&gt;</td>"),
            "{}",
            markup.as_str()
        );
        assert!(markup.as_str().contains("<td class=\"num\">1</td>"));
    }

    #[test]
    fn page_sets_language_and_contents() {
        let texts = Lang::Nl.texts();
        let mut page = Page::new(texts, "A <title>", "sub");
        page.section("one", "Eerste", paragraph("x"));
        let html = page.finish();
        assert!(html.contains("<html lang=\"nl\">"));
        assert!(html.contains("<title>A &lt;title&gt;</title>"));
        assert!(html.contains("<a href=\"#one\">Eerste</a>"));
        assert!(html.contains("@page { size: A4"));
    }
}
