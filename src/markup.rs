//! Text for people: made safe inside HTML and XML (the comparison's report, the QGIS
//! project), and figures written as planners write them.
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

/// A figure rounded to a whole number with thousands separated, as planners write them.
pub fn whole(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut grouped = String::new();
    for (k, c) in digits.chars().enumerate() {
        if k > 0 && (digits.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match value.round() < 0.0 {
        true => format!("−{grouped}"),
        false => grouped,
    }
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
