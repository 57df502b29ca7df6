//! Text made safe inside HTML and XML: the comparison's report and the QGIS project.
//!
//! A leaf every stage may use: it knows nothing of the others.

/// `text` with the five characters markup reserves written as entities.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<b>&\"x\" 'y'"),
            "&lt;b&gt;&amp;&quot;x&quot; &apos;y&apos;"
        );
    }
}
