//! Keywords of a report from jieba-rs TF-IDF, with a user dictionary of
//! Henan place names and 人大 terms so they are kept whole, and a stop list
//! (`data/keyword_stop_words.txt`) of words every bulletin uses.

use std::sync::OnceLock;

use jieba_rs::{Jieba, KeywordExtract, TfIdf};

const USER_DICT: &str = include_str!("../data/jieba_user_dict.txt");

/// Words that occur in nearly every 人大 bulletin and say nothing about
/// one report, kept as data beside the user dictionary.
const STOP_WORDS: &str = include_str!("../data/keyword_stop_words.txt");

/// The stop list's words: one a line, `#` lines are comments.
fn stop_words() -> impl Iterator<Item = &'static str> {
    STOP_WORDS
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

pub fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(|| {
        let mut jieba = Jieba::new();
        let mut reader = std::io::BufReader::new(USER_DICT.as_bytes());
        jieba
            .load_dict(&mut reader)
            .expect("the embedded user dictionary is well formed");
        jieba
    })
}

fn tfidf() -> &'static TfIdf {
    static TFIDF: OnceLock<TfIdf> = OnceLock::new();
    TFIDF.get_or_init(|| {
        let mut tfidf = TfIdf::default();
        let config = tfidf.config_mut();
        let mut builder = jieba_rs::KeywordExtractConfig::builder()
            .min_keyword_length(2)
            .use_hmm(config.use_hmm());
        for word in stop_words() {
            builder = builder.add_stop_word(word);
        }
        *config = builder.build();
        tfidf
    })
}

/// Tags first (as written), then the strongest TF-IDF nouns and verbs of
/// the title and text, `limit` in all.
pub fn extract(title: &str, text: &str, tags: &[String], limit: usize) -> Vec<String> {
    let mut keywords: Vec<String> = tags.iter().take(limit).cloned().collect();
    if keywords.len() >= limit {
        return keywords;
    }
    let allowed = ["n", "nz", "vn", "ns", "nt", "l", "j"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    // The title counts three times: it names what the report is about.
    let source = format!("{title}。{title}。{title}。{text}");
    for keyword in tfidf().extract_keywords(jieba(), &source, limit * 2, allowed) {
        if keywords.len() >= limit {
            break;
        }
        let word = keyword.keyword;
        if word.chars().any(|c| c.is_ascii_digit()) || keywords.contains(&word) {
            continue;
        }
        keywords.push(word);
    }
    keywords
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_come_from_the_text_after_the_tags() {
        let text = "依托人大代表联络站开展民生实事项目票决。代表联络站组织代表票决民生实事。票决后跟踪监督。";
        let keywords = extract("民生实事票决", text, &["乡村振兴".to_string()], 4);
        assert_eq!(keywords[0], "乡村振兴");
        assert!(
            keywords.iter().any(|k| k == "民生实事" || k == "票决"),
            "{keywords:?}"
        );
        assert!(keywords.len() <= 4);
    }

    /// The words readers saw on keyword pages that say nothing.
    #[test]
    fn stop_words_are_left_out() {
        let words: Vec<&str> = stop_words().collect();
        for word in ["人次", "全县", "专业", "服务", "进站"] {
            assert!(words.contains(&word), "{word} is not in the stop list");
        }
        let text = "全县组织专业代表进站服务群众 1200 人次。专业代表进站服务，全县各站服务群众。\
            代表联络站开展民生实事票决，票决结果向群众公开。";
        let keywords = extract("专业代表进站服务", text, &[], 8);
        for word in ["人次", "全县", "专业", "服务", "进站"] {
            assert!(
                !keywords.iter().any(|k| k == word),
                "{word} in {keywords:?}"
            );
        }
        assert!(!keywords.is_empty(), "{keywords:?}");
    }
}
