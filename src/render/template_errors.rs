//! Tera's error messages in Chinese. Whoever edits a template override
//! reads the build's messages like everyone else, so the usual mistakes
//! (a misspelt variable or filter, a tag left open) are said in Chinese
//! with the names quoted; anything else keeps Tera's own words in brackets
//! after a Chinese lead, as system errors do.

/// Where Tera places an error, and what it says, in Chinese.
pub(crate) struct Explained {
    /// The template's name, when Tera names one.
    pub(crate) template: Option<String>,
    pub(crate) line: Option<usize>,
    pub(crate) message: String,
}

/// Tera's error as one or more problems: its checks after parsing join a
/// report per problem (`error: …` then `  --> file:line:column`) into one
/// message, and each becomes a problem of its own.
pub(crate) fn explain_error(err: &tera::Error) -> Vec<Explained> {
    if let tera::ErrorKind::Msg(message) = err.kind() {
        let reports = joined_reports(message);
        if !reports.is_empty() {
            return reports;
        }
    }
    vec![explain_kind(err)]
}

fn joined_reports(message: &str) -> Vec<Explained> {
    let mut found = Vec::new();
    let mut lines = message.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(text) = line.strip_prefix("error: ") else {
            continue;
        };
        let place = lines
            .peek()
            .and_then(|next| next.trim_start().strip_prefix("--> "))
            .and_then(|place| {
                let mut parts = place.rsplitn(3, ':');
                let _column = parts.next()?;
                let line = parts.next()?.parse::<usize>().ok()?;
                Some((parts.next()?.to_string(), line))
            });
        found.push(Explained {
            template: place.as_ref().map(|(name, _)| name.clone()),
            line: place.map(|(_, line)| line),
            message: explain(text),
        });
    }
    found
}

fn explain_kind(err: &tera::Error) -> Explained {
    use tera::ErrorKind;
    let (template, line, message) = match err.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => (
            Some(report.filename().to_string()),
            Some(report.span().start_line),
            explain(report.message()),
        ),
        ErrorKind::CircularExtend {
            tpl,
            inheritance_chain,
        } => (
            Some(tpl.clone()),
            None,
            format!(
                "模板互相 extends，成了一个圈：{}",
                inheritance_chain.join(" → ")
            ),
        ),
        ErrorKind::CircularInclude { tpl, include_chain } => (
            Some(tpl.clone()),
            None,
            format!(
                "模板互相 include，成了一个圈：{}",
                include_chain.join(" → ")
            ),
        ),
        ErrorKind::MissingParent { current, parent } => (
            Some(current.clone()),
            None,
            format!("extends 的模板 {parent} 不存在"),
        ),
        ErrorKind::TemplateNotFound(name) => (None, None, format!("找不到模板 {name}")),
        ErrorKind::ComponentNotFound(name) => (None, None, format!("找不到组件 {name}")),
        ErrorKind::MissingArgument { arg_name } => (None, None, format!("缺少参数 {arg_name}")),
        ErrorKind::InvalidArgument {
            expected_type,
            actual_type,
        } => (
            None,
            None,
            format!("值的类型不对：应为 {expected_type}，实际是 {actual_type}"),
        ),
        ErrorKind::Msg(message) => (None, None, explain(message)),
        _ => (None, None, explain(&err.to_string())),
    };
    Explained {
        template,
        line,
        message,
    }
}

/// The Chinese message for one of Tera's messages.
fn explain(message: &str) -> String {
    let message = message.trim();
    known(message).unwrap_or_else(|| format!("详见 Tera 的说明（{message}）"))
}

fn known(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("Variable ") {
        let (name, tail) = quoted(rest)?;
        if tail.starts_with(" exists but its value is undefined") {
            return Some(format!("变量 {name} 存在，但没有值"));
        }
        let available = tail
            .strip_prefix(" is not defined.")?
            .trim()
            .strip_prefix("Available variables:")
            .map(|list| format!("（这里可用的变量：{}）", chinese_list(list)))
            .unwrap_or_default();
        return Some(format!("变量 {name} 不存在{available}"));
    }
    if let Some(rest) = message.strip_prefix("Field ") {
        let (name, tail) = quoted(rest)?;
        let available = tail
            .strip_prefix(" is not defined")?
            .trim_start_matches('.')
            .trim()
            .strip_prefix("Available fields:")
            .map(|list| format!("（可用的字段：{}）", chinese_list(list)))
            .unwrap_or_default();
        return Some(format!("字段 {name} 不存在{available}"));
    }
    for (prefix, what) in [
        ("Unknown filter ", "过滤器"),
        ("Unknown function ", "函数"),
        ("Unknown test ", "判断（is 之后的名称）"),
        ("Unknown template ", "模板"),
        ("Unknown component ", "组件"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (name, _) = quoted(rest)?;
            return Some(format!("没有名为 {name} 的{what}"));
        }
    }
    if let Some(rest) = message.strip_prefix("Block ") {
        let (name, tail) = quoted(rest)?;
        if tail.contains("is not defined in any parent template") {
            return Some(format!("上级模板中没有名为 {name} 的 block"));
        }
    }
    if let Some(rest) = message.strip_prefix("Iteration not possible on type ") {
        let (kind, _) = quoted(rest)?;
        return Some(format!("for 循环不能遍历 {kind} 类型的值"));
    }
    if let Some(rest) = message.strip_prefix("Template already contains a block named ") {
        let (name, _) = quoted(rest)?;
        return Some(format!(
            "模板中已有名为 {name} 的 block，同名的 block 只能有一个"
        ));
    }
    if message == "Unknown tag" {
        return Some(
            "无法识别这里的标签：可能拼错了，也可能是前面的 {% for %}、{% if %} 或 {% block %} 还没有结束"
                .into(),
        );
    }
    if message.starts_with("Template is already extending ") {
        return Some("一个模板只能有一个 {% extends %}".into());
    }
    if let Some(rest) = message.strip_prefix("Closing tag '") {
        let (closing, rest) = rest.split_once('\'')?;
        let (_, opening) = rest.split_once("opening tag '")?;
        let opening = opening.trim_end_matches('\'');
        return Some(format!("结束标签 {closing} 与开始标签 {opening} 不对应"));
    }
    if let Some(rest) = message.strip_prefix("Unclosed component '") {
        let (name, _) = rest.split_once('\'')?;
        return Some(format!("组件 {name} 没有结束"));
    }
    if let Some(rest) = message.strip_prefix("Found ") {
        for marker in [" but expected ", " but was expecting "] {
            if let Some((found, expected)) = rest.split_once(marker) {
                let expected = expected.trim_end_matches('.');
                return Some(format!(
                    "这里出现了 {}，此处应为：{}",
                    token(found),
                    alternatives(expected)
                ));
            }
        }
    }
    None
}

/// `` `name` rest `` → (`name`, ` rest`).
fn quoted(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('`')?;
    let end = inner.find('`')?;
    Some((&inner[..end], &inner[end + 1..]))
}

/// `a, b, c` → `a、b、c`.
fn chinese_list(list: &str) -> String {
    list.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .collect::<Vec<_>>()
        .join("、")
}

/// `` `a`, `b` or `c` `` → `a、b 或 c`, Tera's kinds of token named in Chinese.
fn alternatives(expected: &str) -> String {
    let expected = expected.strip_prefix("one of:").unwrap_or(expected).trim();
    let (head, last) = match expected.rsplit_once(" or ") {
        Some((head, last)) => (head, Some(last)),
        None => (expected, None),
    };
    let mut items: Vec<String> = head
        .split(", ")
        .filter(|item| !item.trim().is_empty())
        .map(token)
        .collect();
    match last {
        Some(last) => {
            let last = token(last);
            if items.is_empty() {
                last
            } else {
                format!("{} 或 {last}", items.join("、"))
            }
        }
        None => {
            if items.len() == 1 {
                items.remove(0)
            } else {
                items.join("、")
            }
        }
    }
}

fn token(token: &str) -> String {
    let token = token.trim();
    match token {
        "integer" => "整数".into(),
        "float" => "小数".into(),
        "string" => "字符串".into(),
        "bool" => "布尔值（true 或 false）".into(),
        "ident" | "identifier" => "名称".into(),
        "end of input" | "EOF" => "模板结尾".into(),
        _ => {
            let bare = token.trim_matches('`');
            format!("“{bare}”")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn common_mistakes_read_in_chinese() {
        assert_eq!(
            explain(
                "Variable `nosuch` is not defined. Available variables: latest, page_url, site"
            ),
            "变量 nosuch 不存在（这里可用的变量：latest、page_url、site）"
        );
        assert_eq!(
            explain("Found `}}` but expected one of: integer, float, string, bool, ident, `-`, `not`, `<`, `{`, `[` or `(`"),
            "这里出现了 “}}”，此处应为：整数、小数、字符串、布尔值（true 或 false）、名称、“-”、“not”、“<”、“{”、“[” 或 “(”"
        );
        assert_eq!(
            explain("Unknown filter `upcase`"),
            "没有名为 upcase 的过滤器"
        );
        assert_eq!(
            explain("Found `endfor` but was expecting `elif`, `else` or `endif`."),
            "这里出现了 “endfor”，此处应为：“elif”、“else” 或 “endif”"
        );
        assert_eq!(
            explain("Closing tag 'endfor' doesn't match opening tag 'if'"),
            "结束标签 endfor 与开始标签 if 不对应"
        );
    }

    #[test]
    fn joined_reports_become_one_problem_each() {
        let joined = "error: Unknown filter `nofilter`\n  --> index.html:2:27\n   |\n 2 | x\n\nerror: Unknown template `nope.html`\n  --> sub/a.html:7:3\n   |";
        let found = super::joined_reports(joined);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].template.as_deref(), Some("index.html"));
        assert_eq!(found[0].line, Some(2));
        assert_eq!(found[0].message, "没有名为 nofilter 的过滤器");
        assert_eq!(found[1].template.as_deref(), Some("sub/a.html"));
        assert_eq!(found[1].line, Some(7));
        assert_eq!(found[1].message, "没有名为 nope.html 的模板");
    }

    #[test]
    fn other_messages_keep_teras_words_after_a_chinese_lead() {
        let text = explain("Something new happened");
        assert!(text.starts_with("详见 Tera 的说明"), "{text}");
        assert!(text.contains("（Something new happened）"), "{text}");
    }
}
